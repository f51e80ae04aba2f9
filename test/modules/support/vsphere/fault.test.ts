import { describe, expect, it } from 'vitest';
import { faultFromSoap, faultFromTaskError } from '../../../../src/modules/support/vsphere/fault.js';
import { child, parseXml, path } from '../../../../src/modules/support/vsphere/xml.js';

/** A SOAP fault as vCenter 8 writes it (soapenv prefix, detail element named <Type>Fault with xsi:type). */
const soapFault = (faultstring: string, detail: string): string =>
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
  `<soapenv:Body><soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>${faultstring}</faultstring><detail>${detail}</detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`;

const cases: { name: string; xml: string; type: string; message: string }[] = [
  {
    name: 'DuplicateName',
    xml: soapFault('The name &apos;cp-1&apos; already exists.', '<DuplicateNameFault xmlns="urn:vim25" xsi:type="DuplicateName"><name>cp-1</name><object type="Folder">group-v42</object></DuplicateNameFault>'),
    type: 'DuplicateName',
    message: "an object named 'cp-1' already exists in Folder:group-v42 (DuplicateName)",
  },
  {
    name: 'NoPermission',
    xml: soapFault('Permission to perform this operation was denied.', '<NoPermissionFault xmlns="urn:vim25" xsi:type="NoPermission"><object type="Folder">group-v3</object><privilegeId>VirtualMachine.Provisioning.Clone</privilegeId></NoPermissionFault>'),
    type: 'NoPermission',
    message: 'permission denied: the user lacks privilege VirtualMachine.Provisioning.Clone on Folder:group-v3 (NoPermission)',
  },
  {
    name: 'InvalidLogin',
    xml: soapFault('Cannot complete login due to an incorrect user name or password.', '<InvalidLoginFault xmlns="urn:vim25" xsi:type="InvalidLogin"></InvalidLoginFault>'),
    type: 'InvalidLogin',
    message: 'vCenter refused the login: wrong user name or password (InvalidLogin)',
  },
  {
    name: 'NotFound without xsi:type (type from the element name)',
    xml: soapFault('The object or item referred to could not be found.', '<NotFoundFault xmlns="urn:vim25"></NotFoundFault>'),
    type: 'NotFound',
    message: 'not found: The object or item referred to could not be found. (NotFound)',
  },
  {
    name: 'an unknown fault keeps the server text',
    xml: soapFault('A specified parameter was not correct: spec.location', '<InvalidDatastoreFault xmlns="urn:vim25" xsi:type="InvalidDatastore"></InvalidDatastoreFault>'),
    type: 'InvalidDatastore',
    message: 'InvalidDatastore: A specified parameter was not correct: spec.location',
  },
];

describe('vim25 faults', () => {
  it.each(cases)('$name', ({ xml, type, message }) => {
    const f = faultFromSoap(child(path(parseXml(xml), 'Envelope', 'Body'), 'Fault')!);
    expect(f.faultType).toBe(type);
    expect(f.message).toBe(message);
  });

  it('reads a task error (TaskInfo.error, a LocalizedMethodFault)', () => {
    const info = parseXml(
      '<info xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><state>error</state><error><fault xsi:type="FileAlreadyExists"><file>[ds1] cp-1/cp-1.vmx</file></fault><localizedMessage>Cannot complete the operation because the file or folder [ds1] cp-1/cp-1.vmx already exists</localizedMessage></error></info>',
    );
    const f = faultFromTaskError(path(info, 'info', 'error')!);
    expect(f.faultType).toBe('FileAlreadyExists');
    expect(f.message).toBe('file [ds1] cp-1/cp-1.vmx already exists on the datastore: a VM of that name already has files there (FileAlreadyExists)');
  });
});
