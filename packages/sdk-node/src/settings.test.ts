import { describe, expect, it } from 'vitest';
import { DEFAULT_ENDPOINT, INSTRUMENTATION_NAMES, resolveSettings, signalUrl, type PharosNodeOptions, type SdkSettings } from './settings.js';

const ALL = [...INSTRUMENTATION_NAMES];

describe('resolveSettings', () => {
  it('defaults: a local Pharos, OTLP for every signal, 15 s metrics, queues of 2048, every instrumentation', () => {
    expect(resolveSettings({}, {})).toEqual<SdkSettings>({
      endpoint: DEFAULT_ENDPOINT,
      exporters: { traces: 'otlp', metrics: 'otlp', logs: 'otlp' },
      serviceName: undefined,
      serviceVersion: undefined,
      resourceAttributes: {},
      metricExportIntervalMs: 15_000,
      metricExportTimeoutMs: 15_000,
      maxSpanQueueSize: 2048,
      maxLogQueueSize: 2048,
      instrumentations: ALL,
      problems: [],
    });
    expect(DEFAULT_ENDPOINT).toBe('http://localhost:4318');
  });

  it('reads the standard OTEL_* variables', () => {
    const settings = resolveSettings(
      {},
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://pharos.internal:4318',
        OTEL_SERVICE_NAME: 'checkout',
        OTEL_METRIC_EXPORT_INTERVAL: '5000',
        OTEL_METRIC_EXPORT_TIMEOUT: '2000',
        OTEL_BSP_MAX_QUEUE_SIZE: '500',
        OTEL_BLRP_MAX_QUEUE_SIZE: '700',
        OTEL_TRACES_EXPORTER: 'console',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'otlp',
      },
    );
    expect(settings).toMatchObject({
      endpoint: 'http://pharos.internal:4318',
      serviceName: 'checkout',
      metricExportIntervalMs: 5000,
      metricExportTimeoutMs: 2000,
      maxSpanQueueSize: 500,
      maxLogQueueSize: 700,
      exporters: { traces: 'console', metrics: 'none', logs: 'otlp' },
      problems: [],
    });
  });

  it('lets init() options win over the environment', () => {
    const options: PharosNodeOptions = {
      serviceName: 'from-options',
      serviceVersion: '9.9.9',
      endpoint: 'http://options:4318/',
      metricExportIntervalMs: 1000,
      maxQueueSize: 64,
      disabledInstrumentations: ['pg'],
      resourceAttributes: { 'deployment.environment.name': 'prod', 'app.shard': 3 },
    };
    const env = {
      OTEL_SERVICE_NAME: 'from-env',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318',
      OTEL_METRIC_EXPORT_INTERVAL: '20000',
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
      OTEL_BLRP_MAX_QUEUE_SIZE: '200',
      OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http,express',
    };
    const settings = resolveSettings(options, env);
    expect(settings).toMatchObject({
      serviceName: 'from-options',
      serviceVersion: '9.9.9',
      endpoint: 'http://options:4318',
      metricExportIntervalMs: 1000,
      // The export timeout never exceeds the interval (the metric reader requires it).
      metricExportTimeoutMs: 1000,
      maxSpanQueueSize: 64,
      maxLogQueueSize: 64,
      resourceAttributes: { 'deployment.environment.name': 'prod', 'app.shard': 3 },
      problems: [],
    });
    expect(settings.instrumentations).toEqual(ALL.filter((n) => n !== 'pg'));
    // A copy: later changes to the caller's object do not reach the SDK.
    expect(settings.resourceAttributes).not.toBe(options.resourceAttributes);
  });

  it('treats empty and blank variables as unset', () => {
    const settings = resolveSettings({}, { OTEL_EXPORTER_OTLP_ENDPOINT: '  ', OTEL_SERVICE_NAME: '', OTEL_BSP_MAX_QUEUE_SIZE: ' ', OTEL_TRACES_EXPORTER: '', OTEL_NODE_DISABLED_INSTRUMENTATIONS: '' });
    expect(settings).toMatchObject({ endpoint: DEFAULT_ENDPOINT, serviceName: undefined, maxSpanQueueSize: 2048, exporters: { traces: 'otlp' }, instrumentations: ALL, problems: [] });
  });

  it('strips trailing slashes and surrounding blanks from the endpoint', () => {
    expect(resolveSettings({}, { OTEL_EXPORTER_OTLP_ENDPOINT: ' http://pharos:4318/// ' }).endpoint).toBe('http://pharos:4318');
    expect(resolveSettings({ endpoint: 'https://collector.example/otlp/' }, {}).endpoint).toBe('https://collector.example/otlp');
  });

  const badNumbers = ['abc', '0', '-5', 'Infinity', 'NaN', '1e400'];
  for (const raw of badNumbers) {
    it(`replaces OTEL_BSP_MAX_QUEUE_SIZE=${raw} by the default and names the problem`, () => {
      const settings = resolveSettings({}, { OTEL_BSP_MAX_QUEUE_SIZE: raw });
      expect(settings.maxSpanQueueSize).toBe(2048);
      expect(settings.problems).toEqual([`OTEL_BSP_MAX_QUEUE_SIZE=${raw} is not a positive number; using 2048`]);
    });
  }

  it('lists every bad value, not only the first', () => {
    const settings = resolveSettings(
      {},
      { OTEL_METRIC_EXPORT_INTERVAL: 'soon', OTEL_METRIC_EXPORT_TIMEOUT: '-1', OTEL_BLRP_MAX_QUEUE_SIZE: 'many', OTEL_LOGS_EXPORTER: 'kafka', OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,mongodb' },
    );
    expect(settings).toMatchObject({ metricExportIntervalMs: 15_000, metricExportTimeoutMs: 15_000, maxLogQueueSize: 2048, exporters: { logs: 'otlp' }, instrumentations: ['http'] });
    expect(settings.problems).toHaveLength(5);
    expect(settings.problems.join('\n')).toMatch(/OTEL_METRIC_EXPORT_INTERVAL=soon/);
    expect(settings.problems.join('\n')).toMatch(/OTEL_METRIC_EXPORT_TIMEOUT=-1/);
    expect(settings.problems.join('\n')).toMatch(/OTEL_BLRP_MAX_QUEUE_SIZE=many/);
    expect(settings.problems.join('\n')).toMatch(/OTEL_LOGS_EXPORTER=kafka is not supported \(otlp, console, none\); using otlp/);
    expect(settings.problems.join('\n')).toMatch(/OTEL_NODE_ENABLED_INSTRUMENTATIONS names an unknown instrumentation "mongodb" \(known: http, undici, express, pg, ioredis, amqplib, pino, runtime-node\)/);
  });

  const exporterCases: Array<[string, 'otlp' | 'console' | 'none', boolean]> = [
    ['otlp', 'otlp', false],
    ['OTLP', 'otlp', false],
    ['console', 'console', false],
    [' none ', 'none', false],
    ['console,otlp', 'otlp', false],
    ['otlp, none', 'none', false],
    ['zipkin,console', 'console', false],
    ['zipkin', 'otlp', true],
    ['prometheus', 'otlp', true],
  ];
  for (const [raw, expected, problem] of exporterCases) {
    it(`OTEL_METRICS_EXPORTER="${raw}" means ${expected}${problem ? ', with a problem' : ''}`, () => {
      const settings = resolveSettings({}, { OTEL_METRICS_EXPORTER: raw });
      expect(settings.exporters).toEqual({ traces: 'otlp', metrics: expected, logs: 'otlp' });
      expect(settings.problems).toHaveLength(problem ? 1 : 0);
    });
  }

  describe('instrumentations', () => {
    const cases: Array<[string, Record<string, string>, string[]]> = [
      ['only the enabled ones, in the SDK\'s order', { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'pino,http, express' }, ['http', 'express', 'pino']],
      ['all but the disabled ones', { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pg,ioredis,amqplib' }, ['http', 'undici', 'express', 'pino', 'runtime-node']],
      ['full package names as well as short ones', { OTEL_NODE_DISABLED_INSTRUMENTATIONS: '@opentelemetry/instrumentation-express,undici' }, ALL.filter((n) => n !== 'express' && n !== 'undici')],
      ['enabled minus disabled', { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,express', OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'express' }, ['http']],
      ['empty items ignored', { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,,express,' }, ['http', 'express']],
    ];
    for (const [name, env, expected] of cases) {
      it(name, () => {
        const settings = resolveSettings({}, env);
        expect(settings.instrumentations).toEqual(expected);
        expect(settings.problems).toEqual([]);
      });
    }

    it('names unknown instrumentations as problems and ignores them', () => {
      const settings = resolveSettings({}, { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'express,mysql' });
      expect(settings.instrumentations).toEqual(ALL.filter((n) => n !== 'express'));
      expect(settings.problems).toEqual([`OTEL_NODE_DISABLED_INSTRUMENTATIONS names an unknown instrumentation "mysql" (known: ${ALL.join(', ')})`]);
    });

    it('takes disabledInstrumentations from init() instead of OTEL_NODE_DISABLED_INSTRUMENTATIONS', () => {
      const settings = resolveSettings({ disabledInstrumentations: ['runtime-node'] }, { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http' });
      expect(settings.instrumentations).toEqual(ALL.filter((n) => n !== 'runtime-node'));
    });

    it('an empty disabledInstrumentations option enables everything, whatever the environment says', () => {
      expect(resolveSettings({ disabledInstrumentations: [] }, { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http' }).instrumentations).toEqual(ALL);
    });
  });

  it('does not throw on any string in any variable', () => {
    const awkward = ['', ' ', ',', '\u0000', '💥', '-0', '1e-9', '0x10', 'true', '{"a":1}', 'a'.repeat(10_000)];
    const names = [
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_SERVICE_NAME',
      'OTEL_METRIC_EXPORT_INTERVAL',
      'OTEL_METRIC_EXPORT_TIMEOUT',
      'OTEL_BSP_MAX_QUEUE_SIZE',
      'OTEL_BLRP_MAX_QUEUE_SIZE',
      'OTEL_TRACES_EXPORTER',
      'OTEL_METRICS_EXPORTER',
      'OTEL_LOGS_EXPORTER',
      'OTEL_NODE_ENABLED_INSTRUMENTATIONS',
      'OTEL_NODE_DISABLED_INSTRUMENTATIONS',
    ];
    for (const value of awkward) {
      const settings = resolveSettings({}, Object.fromEntries(names.map((n) => [n, value])));
      expect(settings.maxSpanQueueSize).toBeGreaterThan(0);
      expect(settings.metricExportTimeoutMs).toBeLessThanOrEqual(settings.metricExportIntervalMs);
    }
  });
});

describe('signalUrl', () => {
  const settings = resolveSettings({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://pharos:4318/' });

  it('appends /v1/<signal> to the base endpoint', () => {
    expect(signalUrl(settings, 'traces', {})).toBe('http://pharos:4318/v1/traces');
    expect(signalUrl(settings, 'metrics', {})).toBe('http://pharos:4318/v1/metrics');
    expect(signalUrl(settings, 'logs', {})).toBe('http://pharos:4318/v1/logs');
  });

  it('takes OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT as it is, for that signal only', () => {
    const env = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces.example/custom/path', OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: ' ' };
    expect(signalUrl(settings, 'traces', env)).toBe('http://traces.example/custom/path');
    expect(signalUrl(settings, 'metrics', env)).toBe('http://pharos:4318/v1/metrics');
    expect(signalUrl(settings, 'logs', env)).toBe('http://pharos:4318/v1/logs');
  });
});
