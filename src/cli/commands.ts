import type { Command } from 'commander';
import type { Io } from './io.ts';
import { doctorCommand } from './doctor.ts';
import { endpointsCommand } from './endpoints.ts';
import { getCommand } from './get.ts';
import { traceCommand } from './trace.ts';
import { matrixCommand } from './matrix.ts';
import { reachCommand } from './reach.ts';
import { reportCommand } from './report.ts';
import { resolveCommand } from './resolve.ts';
import { routeCommand } from './route.ts';
import { serveCommand } from './serve.ts';
import { testCommand } from './test.ts';
import { serveGatewayCommand } from './serve-gateway.ts';
import { convertCommand } from './convert.ts';
import { profileCommand } from './profile.ts';
import { diffCommand } from './diff.ts';
import { labCommand } from './lab.ts';
import { uiCommand } from './ui.ts';
import { flowsCommand } from './flows.ts';
import { suggestCommand } from './suggest.ts';

/** Every CLI command, registered explicitly (one factory per file in src/cli). */
export const commandFactories: readonly ((io: Io) => Command)[] = [
  getCommand,
  reportCommand,
  doctorCommand,
  traceCommand,
  routeCommand,
  reachCommand,
  resolveCommand,
  endpointsCommand,
  testCommand,
  matrixCommand,
  serveGatewayCommand,
  serveCommand,
  convertCommand,
  profileCommand,
  diffCommand,
  labCommand,
  uiCommand,
  flowsCommand,
  suggestCommand,
];
