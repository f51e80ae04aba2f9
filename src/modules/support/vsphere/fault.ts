/**
 * vim25 faults (a SOAP Fault, or a task's `info.error`) as one error class
 * with the fault's type and a message that says what went wrong in the
 * user's terms. Never includes credentials.
 */
import { attr, child, childNames, path, text, xsiType, type XmlNode } from './xml.js';

export class VimFault extends Error {
  readonly code = 'E_VIM_FAULT';
  constructor(
    /** the vim25 fault type: DuplicateName, NotFound, InvalidLogin, NoPermission, ... */
    readonly faultType: string,
    message: string,
    /** the fault's own fields as text (name, object, privilegeId, ...) */
    readonly fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'VimFault';
  }
}

/** Fields of a fault element: simple children as text, managed object references as `Type:id`. */
function faultFields(node: XmlNode | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of childNames(node)) {
    const c = child(node, name);
    const type = attr(c, 'type');
    const t = text(c);
    if (t !== undefined && t !== '') out[name] = type ? `${type}:${t}` : t;
  }
  return out;
}

/** One sentence per fault the clone path meets; the server's own text for the rest. */
export function describeFault(type: string, fields: Readonly<Record<string, string>>, serverText: string | undefined): string {
  // a message that only repeats the fault's type (vcsim says `*types.InvalidArgument`) adds nothing
  const t = serverText?.trim() ?? '';
  const said = t && !/^\*?(types\.)?\w+$/.test(t) ? `: ${t}` : '';
  switch (type) {
    case 'DuplicateName':
      return `an object named '${fields.name ?? '?'}' already exists in ${fields.object ?? 'the target folder'} (DuplicateName)`;
    case 'FileAlreadyExists':
      return `file ${fields.file ?? '?'} already exists on the datastore: a VM of that name already has files there (FileAlreadyExists)`;
    case 'AlreadyExists':
      return `'${fields.name ?? '?'}' already exists (AlreadyExists)`;
    case 'InvalidLogin':
      return 'vCenter refused the login: wrong user name or password (InvalidLogin)';
    case 'NotAuthenticated':
      return `not logged in to vCenter, or the session expired (NotAuthenticated${fields.privilegeId ? `, needs ${fields.privilegeId}` : ''})`;
    case 'NoPermission':
      return `permission denied: the user lacks privilege ${fields.privilegeId ?? '?'} on ${fields.object ?? 'the object'} (NoPermission)`;
    case 'NotFound':
      return `not found${said} (NotFound)`;
    case 'ManagedObjectNotFound':
      return `object ${fields.obj ?? '?'} no longer exists (ManagedObjectNotFound)`;
    case 'InvalidArgument':
      return `invalid argument ${fields.invalidProperty ?? ''}${said} (InvalidArgument)`.replace('  ', ' ');
    case 'InvalidPowerState':
      if (fields.existingState && fields.existingState === fields.requestedState) return `the VM is already ${fields.existingState} (InvalidPowerState)`;
      return `the VM is ${fields.existingState ?? 'in the wrong power state'}, the operation needs ${fields.requestedState ?? 'another state'} (InvalidPowerState)`;
    case 'NicSettingMismatch':
      return `the customization spec has ${fields.numberOfNicsInSpec ?? '?'} NIC setting(s), the VM has ${fields.numberOfNicsInVM ?? '?'} NIC(s) (NicSettingMismatch)`;
    default:
      return `${type}${said}`;
  }
}

/** A SOAP `Fault` element (the `Body`'s child) as a VimFault. */
export function faultFromSoap(faultNode: XmlNode): VimFault {
  const detail = child(faultNode, 'detail');
  const detailName = childNames(detail)[0];
  const detailNode = detailName ? child(detail, detailName) : undefined;
  const type = xsiType(detailNode) ?? detailName?.replace(/Fault$/, '') ?? 'SoapFault';
  const fields = faultFields(detailNode);
  return new VimFault(type, describeFault(type, fields, text(child(faultNode, 'faultstring'))), fields);
}

/** A task's `info.error` (LocalizedMethodFault) as a VimFault. */
export function faultFromTaskError(errorNode: XmlNode): VimFault {
  const fault = child(errorNode, 'fault');
  const type = xsiType(fault) ?? 'TaskFault';
  const fields = faultFields(fault);
  return new VimFault(type, describeFault(type, fields, text(path(errorNode, 'localizedMessage'))), fields);
}
