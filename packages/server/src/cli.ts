#!/usr/bin/env node
import { Command } from 'commander';
import { queryCommand, statusCommand } from './cli/client-commands.js';
import { serveCommand } from './cli/serve-command.js';
import { PHAROS_VERSION } from './version.js';

const program = new Command('pharos').description('Pharos: OpenTelemetry traces, logs and metrics on one machine').version(PHAROS_VERSION);
program.addCommand(serveCommand(), { isDefault: true });
program.addCommand(statusCommand());
program.addCommand(queryCommand());
await program.parseAsync(process.argv);
