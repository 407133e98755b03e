/**
 * Progress lines for the person running Pulumi. The dynamic provider host
 * shows its stdout to the user as info messages (Pulumi's log API does not
 * reach them from a dynamic provider), so one line per step goes there.
 * Lines never include credentials: only kinds, names and hosts.
 */
export function progress(kind: string, name: string, message: string): void {
  process.stdout.write(`kvm: ${kind} ${JSON.stringify(name)}: ${message}\n`);
}
