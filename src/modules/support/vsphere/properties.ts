/**
 * PropertyCollector reads: the properties of given objects, or of every
 * object of a type below a folder (RetrievePropertiesEx, paged with
 * ContinueRetrievePropertiesEx). Read-only, so allowed in check mode.
 */
import { moRefOf, moRefXml, type MoRef, type VimClient } from './client.js';
import { faultFromTaskError } from './fault.js';
import { child, children, el, escapeXml, path, text, type XmlNode } from './xml.js';

export interface ObjectProps {
  readonly ref: MoRef;
  /** property path → its `val` element */
  readonly props: ReadonlyMap<string, XmlNode>;
}

function propSpecXml(type: string, paths: readonly string[]): string {
  return `<propSet>${el('type', type)}<all>false</all>${paths.map((p) => el('pathSet', p)).join('')}</propSet>`;
}

/** Every object reachable from `root` through folders (Folder.childEntity, recursively). */
function folderTreeXml(root: MoRef): string {
  return (
    `<objectSet>${moRefXml('obj', root)}<skip>false</skip>` +
    '<selectSet xsi:type="TraversalSpec"><name>folders</name><type>Folder</type><path>childEntity</path><skip>false</skip>' +
    '<selectSet><name>folders</name></selectSet></selectSet></objectSet>'
  );
}

function objectsXml(refs: readonly MoRef[]): string {
  return refs.map((r) => `<objectSet>${moRefXml('obj', r)}<skip>false</skip></objectSet>`).join('');
}

function parseObjects(returnval: XmlNode | undefined): ObjectProps[] {
  return children(returnval, 'objects').map((o) => {
    for (const missing of children(o, 'missingSet')) {
      const fault = child(missing, 'fault');
      if (fault !== undefined) throw faultFromTaskError(missing);
    }
    const ref = moRefOf(child(o, 'obj'));
    if (!ref) throw new Error('RetrievePropertiesEx: an object without obj');
    const props = new Map<string, XmlNode>();
    for (const p of children(o, 'propSet')) {
      const name = text(child(p, 'name'));
      const val = child(p, 'val');
      if (name !== undefined && val !== undefined) props.set(name, val);
    }
    return { ref, props };
  });
}

async function retrieve(vim: VimClient, specXml: string, raws?: string[]): Promise<ObjectProps[]> {
  const { propertyCollector } = await vim.content();
  const first = await vim.read('RetrievePropertiesEx', propertyCollector, `<specSet>${specXml}</specSet><options/>`);
  raws?.push(first.raw);
  let rv = child(first.response, 'returnval');
  const out = parseObjects(rv);
  for (let token = text(child(rv, 'token')); token; token = text(child(rv, 'token'))) {
    const next = await vim.read('ContinueRetrievePropertiesEx', propertyCollector, el('token', token));
    rv = child(next.response, 'returnval');
    out.push(...parseObjects(rv));
  }
  return out;
}

/** The given properties of some objects (one round trip; paged if large). */
export async function readProps(vim: VimClient, refs: readonly MoRef[], paths: readonly string[]): Promise<ObjectProps[]> {
  if (refs.length === 0) return [];
  const types = [...new Set(refs.map((r) => r.type))];
  return retrieve(vim, types.map((t) => propSpecXml(t, paths)).join('') + objectsXml(refs));
}

export async function readOne(vim: VimClient, ref: MoRef, paths: readonly string[]): Promise<ReadonlyMap<string, XmlNode>> {
  return (await readProps(vim, [ref], paths))[0]?.props ?? new Map();
}

/** readOne plus the response text, to send parts of an object back unchanged (a device to edit). */
export async function readOneRaw(vim: VimClient, ref: MoRef, paths: readonly string[]): Promise<{ props: ReadonlyMap<string, XmlNode>; raw: string }> {
  const raws: string[] = [];
  const found = await retrieve(vim, propSpecXml(ref.type, paths) + objectsXml([ref]), raws);
  return { props: found[0]?.props ?? new Map(), raw: raws.join('') };
}

/**
 * Every object of `type` (or a subtype: ComputeResource includes clusters)
 * below a folder, searched through subfolders (e.g. all VMs of a datacenter).
 */
export async function findAllBelow(vim: VimClient, root: MoRef, type: string, paths: readonly string[], types: readonly string[] = [type]): Promise<ObjectProps[]> {
  const found = await retrieve(vim, propSpecXml(type, paths) + folderTreeXml(root));
  return found.filter((o) => types.includes(o.ref.type));
}

/** SearchIndex.FindByInventoryPath: `DC0/vm/k8s/cp-1`; undefined when nothing is there. */
export async function findByInventoryPath(vim: VimClient, inventoryPath: string): Promise<MoRef | undefined> {
  const { searchIndex } = await vim.content();
  const { response } = await vim.read('FindByInventoryPath', searchIndex, `<inventoryPath>${escapeXml(inventoryPath)}</inventoryPath>`);
  return moRefOf(child(response, 'returnval'));
}

/** Typed reads of a property value. */
export const val = {
  text: (node: XmlNode | undefined): string | undefined => text(node),
  int: (node: XmlNode | undefined): number | undefined => {
    const t = text(node);
    return t === undefined || t === '' ? undefined : Number(t);
  },
  bool: (node: XmlNode | undefined): boolean | undefined => {
    const t = text(node);
    return t === undefined || t === '' ? undefined : t === 'true';
  },
  ref: (node: XmlNode | undefined): MoRef | undefined => moRefOf(node),
  at: path,
};
