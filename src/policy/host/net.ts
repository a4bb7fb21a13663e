// Builtins that mean the network. offgate evaluates offline: http.send
// always fails (unless mocked with `with`), and net.lookup_ip_addr answers
// only what needs no resolver, IP literals and localhost.
import { offline, str, type HostTable } from './common';
import { nodeNet } from './lazy';

function lookupIpAddr(name: unknown): string[] {
  const host = str('net.lookup_ip_addr', name, 1);
  if (nodeNet().isIP(host)) return [host];
  if (host.toLowerCase() === 'localhost' || host.toLowerCase().endsWith('.localhost')) return ['127.0.0.1'];
  offline('net.lookup_ip_addr', `resolving ${JSON.stringify(host)} is `);
}

export const builtins: HostTable = {
  'http.send': () => offline('http.send'),
  'net.lookup_ip_addr': lookupIpAddr,
};
