#!/usr/bin/env node
import { Command } from 'commander';
import { queryCommand, statusCommand } from './cli/client-commands.js';
import { serveCommand, serveFlagsHelp } from './cli/serve-command.js';
import { PHAROS_VERSION } from './version.js';

// Output piped into `head` closes early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command('pharos').description('Pharos: OpenTelemetry traces, logs and metrics on one machine').version(PHAROS_VERSION);
program.addCommand(serveCommand(), { isDefault: true });
program.addCommand(statusCommand());
program.addCommand(queryCommand());
program.addHelpText('after', serveFlagsHelp());
await program.parseAsync(process.argv);
