/**
 * A client inside the cluster: it finds the nodes through the headless
 * Service's DNS records (one A record per ready pod) and looks again every
 * 10 s, so nodes the StatefulSet or the HorizontalPodAutoscaler adds or
 * removes join and leave its ring; only the keys that change owner move.
 *
 * The pod running it gets its namespace and the nodes' password from its
 * spec:
 *
 * ```yaml
 * env:
 *   - name: POD_NAMESPACE
 *     valueFrom: { fieldRef: { fieldPath: metadata.namespace } }
 *   - name: CACHEMIR_PASSWORD
 *     valueFrom: { secretKeyRef: { name: cachemir-auth, key: password } }
 * ```
 *
 * ```sh
 * deno run --allow-net --allow-env deploy/kubernetes/client.ts
 * ```
 *
 * @module
 */

import { CacheMirClient } from "@cachemir/client";

const namespace = Deno.env.get("POD_NAMESPACE") ?? "default";

/** The nodes, as the client discovers them: `dns:<headless service>.<namespace>.svc.cluster.local:<binary port>`. */
export const NODES =
  `dns:cachemir-headless.${namespace}.svc.cluster.local:7379`;

if (import.meta.main) {
  await using client = new CacheMirClient({
    nodes: NODES,
    password: Deno.env.get("CACHEMIR_PASSWORD"),
    discoveryIntervalMs: 10_000,
  });
  await client.set("greeting", "hello from the cluster", { ex: 60 });
  console.log(await client.get("greeting"), "from", client.nodeFor("greeting"));
  console.log("nodes:", client.nodes().join(", "));
}
