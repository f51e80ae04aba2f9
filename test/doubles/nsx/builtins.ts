/**
 * What a fresh NSX Manager already has: the `default` domain, a few predefined services (BDC examples use
 * `/infra/services/SSH` and `/infra/services/HTTP`), the system SpoofGuard profile `default-spoofguard-profile`
 * (allowlist off, which is [U] for 4.2: NSX-v docs say SpoofGuard is inactive by default) and the system
 * segment security profile. Built-ins are `_system_owned` and cannot be changed or deleted.
 */
import type { Body } from './kinds.js';

const l4 = (id: string, protocol: 'TCP' | 'UDP', ports: string[]): Body => ({
  resource_type: 'L4PortSetServiceEntry', id, l4_protocol: protocol, destination_ports: ports,
});

export const BUILTINS: ReadonlyArray<{ readonly path: string; readonly body: Body; readonly systemOwned: boolean }> = [
  { path: '/infra/domains/default', body: { display_name: 'default' }, systemOwned: false },
  { path: '/infra/services/SSH', body: { display_name: 'SSH', is_default: true, service_entries: [l4('SSH', 'TCP', ['22'])] }, systemOwned: true },
  { path: '/infra/services/HTTP', body: { display_name: 'HTTP', is_default: true, service_entries: [l4('HTTP', 'TCP', ['80'])] }, systemOwned: true },
  { path: '/infra/services/HTTPS', body: { display_name: 'HTTPS', is_default: true, service_entries: [l4('HTTPS', 'TCP', ['443'])] }, systemOwned: true },
  { path: '/infra/services/DNS-UDP', body: { display_name: 'DNS-UDP', is_default: true, service_entries: [l4('DNS-UDP', 'UDP', ['53'])] }, systemOwned: true },
  {
    path: '/infra/services/ICMP-ALL',
    body: { display_name: 'ICMP ALL', is_default: true, service_entries: [{ resource_type: 'ICMPTypeServiceEntry', id: 'ICMP-ALL', protocol: 'ICMPv4' }] },
    systemOwned: true,
  },
  { path: '/infra/spoofguard-profiles/default-spoofguard-profile', body: { display_name: 'default-spoofguard-profile', address_binding_allowlist: false }, systemOwned: true },
  {
    path: '/infra/segment-security-profiles/default-segment-security-profile',
    body: { display_name: 'default-segment-security-profile', bpdu_filter_enable: true, dhcp_client_block_enabled: false, dhcp_server_block_enabled: true },
    systemOwned: true,
  },
];
