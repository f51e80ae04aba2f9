/**
 * k8s_info: reads Kubernetes objects (by kind and name, or all of a kind with
 * label and field selectors) from a cluster host, optionally waiting until
 * they are ready; registers them under `resources`, as kubernetes.core's
 * k8s_info does. It never changes anything, so it runs under --check too
 * (verify.yml's checks). Secret values are registered as secrets: usable in
 * later tasks, masked wherever they would print.
 */
import { defineModule, Secret, Type, type KubeObject, type KubeReader, type ObjectRef } from '../engine/module.js';
import { waitUntilReady, type WaitOptions } from './support/kube/wait.js';

const params = Type.Object(
  {
    kind: Type.String({ minLength: 1, description: 'The kind: Deployment, Node, IPAddressPool, ...' }),
    api_version: Type.String({ default: 'v1', minLength: 1, description: 'The apiVersion of the kind: v1, apps/v1, metallb.io/v1beta1, ...' }),
    name: Type.Optional(Type.String({ minLength: 1, description: 'One object by name (else every object of the kind that matches the selectors).' })),
    namespace: Type.Optional(Type.String({ minLength: 1, description: 'The namespace (namespaced kinds; all namespaces when absent and no name is given).' })),
    label_selectors: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Label selectors, ANDed: `app=web`, `tier in (a,b)`.' })),
    field_selectors: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Field selectors, ANDed: `status.phase=Running`.' })),
    wait: Type.Boolean({ default: false, description: 'Wait until the named object exists and is ready (as k8s: rolled out, Established, Ready, Bound, or wait_condition).' }),
    wait_condition: Type.Optional(
      Type.Object(
        {
          type: Type.String({ minLength: 1 }),
          status: Type.Union([Type.Literal('True'), Type.Literal('False'), Type.Literal('Unknown')], { default: 'True' }),
          reason: Type.Optional(Type.String()),
        },
        { additionalProperties: false, description: 'The condition to wait for.' },
      ),
    ),
    wait_timeout: Type.Integer({ minimum: 1, default: 120, description: 'Seconds to wait before failing with the last status seen.' }),
    wait_sleep: Type.Number({ exclusiveMinimum: 0, default: 2, description: 'Seconds between two looks.' }),
  },
  { additionalProperties: false, if: { properties: { wait: { const: true } }, required: ['wait'] }, then: { required: ['name'] } },
);

export default defineModule({
  name: 'k8s_info',
  description: 'Reads Kubernetes objects (by name or by selectors), optionally waiting until they are ready; changes nothing.',
  params,
  uses: 'kubernetes',
  async check(ctx, p) {
    const kube = await ctx.kube();
    const served = (await kube.resource(p.api_version, p.kind)) !== null;
    const resources = !served ? [] : await read(kube, p, served);
    return {
      changed: false,
      summary: `${resources.length} ${p.kind}${resources.length === 1 ? '' : 's'}`,
      result: { resources: resources.map(withSecretsMasked), api_found: served },
    };
  },
});

async function read(kube: KubeReader, p: typeof params.static, served: boolean): Promise<KubeObject[]> {
  if (p.name !== undefined) {
    const r = await kube.resource(p.api_version, p.kind);
    const ref: ObjectRef = { apiVersion: p.api_version, kind: p.kind, name: p.name, ...(r?.namespaced ? { namespace: p.namespace ?? 'default' } : {}) };
    if (p.wait) {
      const wait: WaitOptions = { timeoutSec: p.wait_timeout, sleepSec: p.wait_sleep, ...(p.wait_condition ? { condition: p.wait_condition } : {}) };
      return [await waitUntilReady(kube, ref, wait)];
    }
    const o = served ? await kube.get(ref) : null;
    return o ? [o] : [];
  }
  return kube.list(p.api_version, p.kind, {
    ...(p.namespace !== undefined ? { namespace: p.namespace } : {}),
    ...(p.label_selectors?.length ? { labelSelector: p.label_selectors.join(',') } : {}),
    ...(p.field_selectors?.length ? { fieldSelector: p.field_selectors.join(',') } : {}),
  });
}

/** A Secret's values become secrets: a later task can use them, output never shows them. */
function withSecretsMasked(o: KubeObject): KubeObject {
  if (o.kind !== 'Secret' || o.apiVersion !== 'v1') return o;
  const out: Record<string, unknown> = { ...o };
  for (const k of ['data', 'stringData'] as const) {
    const d = o[k];
    if (d && typeof d === 'object') out[k] = Object.fromEntries(Object.entries(d).map(([key, v]) => [key, new Secret(String(v))]));
  }
  return out as KubeObject;
}
