/**
 * One fleet drill variant in a child process (`forkFleetDrill`): options as JSON in argv, the result
 * back to the parent by IPC.
 */
import { type FleetDrillOptions, runFleetDrill } from './fleet.js';

const result = await runFleetDrill(JSON.parse(process.argv[2] ?? '{}') as FleetDrillOptions);
process.send?.(result, () => process.exit(0));
