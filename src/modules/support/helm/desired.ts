/**
 * What a helm_release task asks for: the chart (a repository or OCI chart by
 * name, or a chart directory on the host, read from its Chart.yaml) and the
 * values (values_files on the controller, found like copy's src, merged in
 * order, then `values` over them).
 */
import { ModuleFailure, type HostContext } from '../../../engine/module.js';
import { ChartRefError, localChart, looksLikePath, remoteChart, type ChartTarget } from './chart-ref.js';
import { isMap, mergeValues, type Values } from './values.js';

export interface ChartParams {
  readonly chart_ref?: string | undefined;
  readonly chart_repo_url?: string | undefined;
  readonly chart_version?: string | undefined;
}

export async function wantedChart(ctx: HostContext, p: ChartParams): Promise<ChartTarget> {
  const ref = p.chart_ref;
  if (ref === undefined) throw new ModuleFailure('state=present needs chart_ref');
  try {
    if (p.chart_repo_url === undefined && !ref.startsWith('oci://')) {
      const chartYaml = await ctx.readFile(`${ref.replace(/\/+$/, '')}/Chart.yaml`);
      if (chartYaml) {
        const doc = ctx.controller.parseYaml(chartYaml.toString('utf8'), `${ref}/Chart.yaml`)[0]?.value;
        return localChart(ref, doc);
      }
      if (looksLikePath(ref)) throw new ChartRefError(`chart_ref ${ref}: no chart directory there on ${ctx.host} (no ${ref}/Chart.yaml)`);
    }
    return remoteChart(ref, p.chart_repo_url, p.chart_version);
  } catch (e) {
    if (e instanceof ChartRefError) throw new ModuleFailure(e.message, { chart_ref: ref });
    throw e;
  }
}

export interface ValuesParams {
  readonly values?: Readonly<Record<string, unknown>> | undefined;
  readonly values_files?: readonly string[] | undefined;
}

export async function wantedValues(ctx: HostContext, p: ValuesParams): Promise<Values> {
  let out: Values = {};
  for (const file of p.values_files ?? []) {
    let path: string;
    try {
      path = ctx.controller.resolve(file, 'files');
    } catch {
      throw new ModuleFailure(`values_files: '${file}' not found on the controller (looked where copy looks for src)`, { values_files: p.values_files });
    }
    const text = (await ctx.controller.read(path, 'files')).toString('utf8');
    const docs = ctx.controller.parseYaml(text, path);
    const doc = docs[0]?.value ?? null;
    if (doc !== null && !isMap(doc)) throw new ModuleFailure(`values_files: ${path} is not a mapping of values`);
    if (doc) out = mergeValues(out, doc);
  }
  return p.values ? mergeValues(out, { ...p.values }) : out;
}
