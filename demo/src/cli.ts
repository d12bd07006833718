#!/usr/bin/env node
/*
 * The demo shop's command line: `up` starts everything (Pharos included) and stops it all on
 * Ctrl-C; `fault`, `faults` and `status` talk to a running shop's control API.
 *
 *   node demo/dist/cli.js up [--fault payment-failures=0.3] [--rate 4] [--duration 10m] ...
 *   node demo/dist/cli.js fault payment-latency=0.3:1500
 *   node demo/dist/cli.js fault payment-latency=off
 *   node demo/dist/cli.js faults
 *   node demo/dist/cli.js status
 *
 * Debug switch: PHAROS_DEMO_NO_SDK=1 runs the services without the OpenTelemetry SDK.
 */
import { Command, InvalidArgumentError } from 'commander';
import { ControlApiError, requestControl } from './control/index.js';
import { FAULT_DEFINITIONS, FaultValueError, parseDurationMs, parseFaultAssignment } from './faults/index.js';
import { SHOP_SERVICE_NAMES, ShopStartError, killAllChildrenNow, startShop, type FaultsView, type ShopHandle, type ShopProgressEvent, type ShopStatus } from './launcher/index.js';

const defaultControlUrl = process.env.PHAROS_DEMO_CONTROL_URL ?? 'http://127.0.0.1:8081';

interface UpOptions {
  fault: string[];
  rate: number;
  duration?: number;
  load: boolean;
  frontendPort: number;
  controlPort: number;
  pharosHttpPort: number;
  pharosOtlpHttpPort: number;
  pharosOtlpGrpcPort: number;
  pharosEndpoint?: string;
  pharosApi?: string;
  workDir?: string;
  keepData?: boolean;
  logLevel: string;
}

const program = new Command()
  .name('pharos-demo')
  .description('The Pharos demo shop: seven services, their databases and queue, shopper load and switchable faults.')
  .showHelpAfterError();

program
  .command('up', { isDefault: true })
  .description('start the shop, Pharos and the load; Ctrl-C stops everything')
  .option('--fault <NAME=VALUE>', 'a fault in force from the start (repeatable); see `faults --list`', collectFault, [])
  .option('--rate <N>', 'shopper journeys started per second', parseRate, 4)
  .option('--duration <DURATION>', 'run the load this long (e.g. 90s, 10m), then stop everything', parseDuration)
  .option('--no-load', 'start no load (drive the shop yourself)')
  .option('--frontend-port <PORT>', 'the shop', parsePort, 8080)
  .option('--control-port <PORT>', 'the control API (faults, status)', parsePort, 8081)
  .option('--pharos-http-port <PORT>', "Pharos' API and UI", parsePort, 4400)
  .option('--pharos-otlp-http-port <PORT>', "Pharos' OTLP/HTTP receiver", parsePort, 4318)
  .option('--pharos-otlp-grpc-port <PORT>', "Pharos' OTLP/gRPC receiver", parsePort, 4317)
  .option('--pharos-endpoint <URL>', 'send telemetry to an already running Pharos at this OTLP/HTTP URL instead of starting one')
  .option('--pharos-api <URL>', "with --pharos-endpoint: that Pharos' API URL, for the banner")
  .option('--work-dir <DIR>', 'keep data and logs here (kept after stop); default a temporary directory')
  .option('--keep-data', 'keep the temporary directory after stop')
  .option('--log-level <LEVEL>', 'log level of the services and Pharos: debug, info, warn, error, silent', 'info')
  .action((options: UpOptions) => runUp(options));

program
  .command('fault')
  .description('set or clear faults of a running shop: NAME=VALUE, NAME=off')
  .argument('<NAME=VALUE...>', 'e.g. payment-failures=0.3:amex, payment-latency=off')
  .option('--control <URL>', 'the control API', defaultControlUrl)
  .action((assignments: string[], options: { control: string }) => runFault(assignments, options.control));

program
  .command('faults')
  .description('show the faults in force and their history (the ground truth)')
  .option('--control <URL>', 'the control API', defaultControlUrl)
  .option('--list', 'list the faults that can be set, and their syntax (needs no shop)')
  .option('--clear', 'clear every fault')
  .option('--json', 'print the control API answer as JSON')
  .action((options: { control: string; list?: boolean; clear?: boolean; json?: boolean }) => runFaults(options));

program
  .command('status')
  .description('show the services, infrastructure and load of a running shop')
  .option('--control <URL>', 'the control API', defaultControlUrl)
  .option('--json', 'print the control API answer as JSON')
  .action((options: { control: string; json?: boolean }) => runStatus(options));

await program.parseAsync(process.argv);

// ---- up

async function runUp(options: UpOptions): Promise<void> {
  const faults: Record<string, string> = {};
  for (const assignment of options.fault) {
    const { name, value } = parseFaultAssignment(assignment, SHOP_SERVICE_NAMES);
    faults[name] = value;
  }
  const progress = createProgressPrinter();
  const controller = new AbortController();
  let shop: ShopHandle | undefined;
  let exiting: Promise<void> | undefined;
  let signalCount = 0;

  const stopAndExit = (exitCode: number): Promise<void> => {
    exiting ??= (async () => {
      try {
        await shop?.stop();
      } finally {
        progress.finish();
        process.exit(exitCode);
      }
    })();
    return exiting;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    signalCount += 1;
    if (signalCount > 1) {
      progress.print(`${signal} again: killing everything now`);
      killAllChildrenNow();
      process.exit(130);
    }
    progress.print(`${signal}: stopping the shop (${signal === 'SIGINT' ? 'Ctrl-C' : 'signal'} again to kill at once)`);
    controller.abort(new Error(`interrupted by ${signal}`));
    if (shop) void stopAndExit(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  const onFatal = (error: unknown): void => {
    progress.print(`launcher error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    void stopAndExit(1);
  };
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);

  const startedAtMs = Date.now();
  progress.print('starting the Pharos demo shop…');
  try {
    shop = await startShop({
      pharos: options.pharosEndpoint
        ? { external: options.pharosEndpoint, apiUrl: options.pharosApi }
        : { httpPort: options.pharosHttpPort, otlpHttpPort: options.pharosOtlpHttpPort, otlpGrpcPort: options.pharosOtlpGrpcPort },
      frontendPort: options.frontendPort,
      controlPort: options.controlPort,
      workDir: options.workDir,
      keepData: options.keepData,
      load: options.load ? { journeysPerSecond: options.rate, durationMs: options.duration } : false,
      faults,
      logLevel: options.logLevel,
      onProgress: (event) => progress.show(event),
      signal: controller.signal,
    });
  } catch (error) {
    if (controller.signal.aborted) {
      progress.print('start-up interrupted; everything started was stopped');
      process.exit(0);
    }
    printStartFailure(error);
    progress.finish();
    process.exit(1);
  }
  if (controller.signal.aborted) {
    await stopAndExit(0);
    return;
  }
  progress.startPhase = false;
  process.stdout.write(renderBanner(shop, options, (Date.now() - startedAtMs) / 1000));
  if (options.load && options.duration !== undefined) {
    void shop.loadFinished.then(() => {
      progress.print(`the load ran its ${options.duration! / 1000} s; stopping`);
      void stopAndExit(0);
    });
  }
}

function renderBanner(shop: ShopHandle, options: UpOptions, startupS: number): string {
  const local = (url: string | undefined): string => (url ?? '').replace('127.0.0.1', 'localhost');
  const controlFlag = options.controlPort === 8081 ? '' : ` --control ${shop.urls.control}`;
  const cli = 'node demo/dist/cli.js';
  const load = options.load
    ? `${options.rate} shopper journeys/s${options.duration !== undefined ? ` for ${options.duration / 1000} s` : ' until stopped'}`
    : 'none (--no-load)';
  const lines = [
    '',
    `The Pharos demo shop is up (started in ${startupS.toFixed(1)} s).`,
    '',
    `  Shop               ${local(shop.urls.frontend)}          JSON API: ${local(shop.urls.frontend)}/api/products`,
    shop.urls.pharosApi
      ? `  Pharos             ${local(shop.urls.pharosApi)}          e.g. ${local(shop.urls.pharosApi)}/api/services`
      : `  Pharos             external, OTLP/HTTP ${shop.urls.otlpHttp}`,
    `  Control API        ${local(shop.urls.control)}          GET /faults, PUT /faults/<name>, GET /status`,
    `  Load               ${load}`,
    `  Data and logs      ${shop.workDir}${options.workDir || options.keepData ? '' : ' (removed at stop; --keep-data keeps it)'}`,
    '',
    'Reproduce the incident ("at peak, payments slow down and fail"), from another terminal:',
    `  ${cli} fault payment-latency=0.3:1500${controlFlag}`,
    `  ${cli} fault payment-failures=0.2:amex${controlFlag}`,
    `  ${cli} fault payment-latency=off payment-failures=off${controlFlag}`,
    `  ${cli} faults${controlFlag}          # the ground truth: what is in force, and since when`,
    `  ${cli} faults --list                 # every fault and its syntax`,
    `  curl -X PUT ${local(shop.urls.control)}/faults/cpu-hog -d '{"value":"0.5"}'`,
    '',
    'Ctrl-C to stop.',
    '',
  ];
  return `${lines.join('\n')}\n`;
}

function printStartFailure(error: unknown): void {
  const lines: string[] = [''];
  if (error instanceof ShopStartError) {
    lines.push(`The shop could not start: ${error.message}`);
    if (error.logTail) {
      lines.push('', `Last lines of ${error.logFile ?? `the ${error.component} log`}:`, ...error.logTail.split('\n').map((line) => `  | ${line}`));
    } else if (error.logFile) {
      lines.push(`See ${error.logFile}`);
    }
  } else {
    lines.push(`The shop could not start: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.stderr.write(`${lines.join('\n')}\n`);
}

/** Prints progress to stderr; the load's line rewrites itself on a terminal. */
function createProgressPrinter(): { show(event: ShopProgressEvent): void; print(line: string): void; finish(): void; startPhase: boolean } {
  const isTty = process.stderr.isTTY === true;
  let lineOpen = false;
  const clearLine = (): void => {
    if (lineOpen) process.stderr.write('\r\x1b[2K');
    lineOpen = false;
  };
  const printer = {
    startPhase: true,
    print(line: string): void {
      clearLine();
      process.stderr.write(`${line}\n`);
    },
    show(event: ShopProgressEvent): void {
      if (event.kind === 'load') {
        if (isTty) {
          clearLine();
          process.stderr.write(event.message.slice(0, Math.max(20, (process.stderr.columns ?? 200) - 1)));
          lineOpen = true;
        } else {
          process.stderr.write(`${event.message}\n`);
        }
        return;
      }
      const time = event.at.slice(11, 19);
      const marker = event.kind === 'exited' || event.kind === 'gave-up' ? '!!' : event.kind === 'warning' ? ' !' : event.kind === 'fault' ? ' *' : '  ';
      printer.print(`${time} ${marker} ${event.message}`);
      if (event.logTail) printer.print(event.logTail.split('\n').map((line) => `         | ${line}`).join('\n'));
    },
    finish(): void {
      clearLine();
    },
  };
  return printer;
}

// ---- fault, faults, status

async function runFault(assignments: string[], controlUrl: string): Promise<void> {
  await runClientCommand(async () => {
    let view: FaultsView | undefined;
    for (const assignment of assignments) {
      const separator = assignment.indexOf('=');
      if (separator < 0) throw new FaultValueError(`expected NAME=VALUE (e.g. payment-failures=0.3) or NAME=off, got ${JSON.stringify(assignment)}`);
      const name = assignment.slice(0, separator).trim();
      const value = assignment.slice(separator + 1).trim();
      view = (await requestControl(controlUrl, 'PUT', `/faults/${encodeURIComponent(name)}`, { value })) as FaultsView;
    }
    if (view) process.stdout.write(renderActiveFaults(view));
  });
}

async function runFaults(options: { control: string; list?: boolean; clear?: boolean; json?: boolean }): Promise<void> {
  if (options.list) {
    const width = Math.max(...FAULT_DEFINITIONS.map((fault) => `${fault.name}=${fault.syntax}`.length));
    const lines = FAULT_DEFINITIONS.map((fault) => `  ${`${fault.name}=${fault.syntax}`.padEnd(width)}  ${fault.description}`);
    process.stdout.write(`Faults (set with: fault NAME=VALUE, clear with: fault NAME=off):\n${lines.join('\n')}\n`);
    return;
  }
  await runClientCommand(async () => {
    const view = (await requestControl(options.control, options.clear ? 'DELETE' : 'GET', '/faults')) as FaultsView;
    if (options.json) {
      process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
      return;
    }
    const history = view.history.slice(-20).map((entry) => `  ${formatClock(entry.at)}  ${entry.action.padEnd(7)}  ${entry.name}${entry.action === 'set' ? `=${entry.value}` : ''}`);
    process.stdout.write(`${renderActiveFaults(view)}\nHistory${view.history.length > 20 ? ' (last 20)' : ''}:\n${history.length > 0 ? history.join('\n') : '  (no changes yet)'}\n`);
  });
}

async function runStatus(options: { control: string; json?: boolean }): Promise<void> {
  await runClientCommand(async () => {
    const status = (await requestControl(options.control, 'GET', '/status')) as ShopStatus;
    if (options.json) {
      process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      return;
    }
    const rows = [
      ['SERVICE', 'VERSION', 'STATE', 'PID', 'PORT', 'UP SINCE', 'RESTARTS'],
      ...status.services.map((service) => [
        service.name,
        service.version,
        service.state,
        String(service.pid ?? '-'),
        String(service.port),
        service.upSince ? formatClock(service.upSince) : '-',
        String(service.restarts),
      ]),
      ...status.infrastructure.map((part) => [part.name, '', part.state, String(part.pid ?? '-'), String(part.port ?? '-'), '', '']),
    ];
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    const table = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n');
    const load = status.load;
    const loadLines = load
      ? [
          `Load: ${load.journeysPerSecond} journeys/s; ${load.journeys.started} journeys (${load.journeys.skipped} skipped), ${load.requests.total} requests, ${load.requests.errors} errors, checkouts ${load.checkouts.ok} ok / ${load.checkouts.failed} failed`,
          ...load.endpoints.map((endpoint) => `  ${endpoint.endpoint.padEnd(26)} ${String(endpoint.requests).padStart(7)} req  ${String(endpoint.errors).padStart(5)} err  p50 ${formatMs(endpoint.p50Ms)}  p95 ${formatMs(endpoint.p95Ms)}`),
        ]
      : ['Load: none'];
    process.stdout.write(`Shop up for ${status.uptimeS} s, data in ${status.workDir}\n\n${table}\n\n${loadLines.join('\n')}\n`);
  });
}

function renderActiveFaults(view: FaultsView): string {
  const entries = Object.entries(view.active);
  if (entries.length === 0) return 'No fault in force.\n';
  const lines = entries.map(([name, fault]) => `  ${`${name}=${fault?.value}`.padEnd(34)} since ${formatClock(fault?.since ?? '')}  ${fault?.effect ?? ''}`);
  return `In force:\n${lines.join('\n')}\n`;
}

async function runClientCommand(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof ControlApiError || error instanceof FaultValueError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(error instanceof ControlApiError && error.status === undefined ? 2 : 1);
    }
    throw error;
  }
}

// ---- option parsing

function collectFault(value: string, previous: string[]): string[] {
  try {
    parseFaultAssignment(value, SHOP_SERVICE_NAMES);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
  return [...previous, value];
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new InvalidArgumentError('expected a port between 1 and 65535');
  return port;
}

function parseRate(value: string): number {
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1_000) throw new InvalidArgumentError('expected journeys per second between 0 and 1000');
  return rate;
}

function parseDuration(value: string): number {
  try {
    const durationMs = parseDurationMs(value, 's');
    if (durationMs <= 0) throw new Error('the duration must be positive');
    return durationMs;
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

function formatClock(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '-' : date.toTimeString().slice(0, 8);
}

function formatMs(latencyMs: number | undefined): string {
  return latencyMs === undefined ? '     -' : `${String(Math.round(latencyMs)).padStart(5)} ms`;
}
