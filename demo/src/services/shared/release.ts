import { currentFaults, rollShare } from './faults.js';

/*
 * Release-dependent behaviour. The exercise can "roll out" a new release of one service
 * (ActiveFaults.badDeploy); that release carries a genuine programming bug, so the failure
 * looks like one in telemetry: a TypeError with a stack trace, thrown from ordinary code.
 */

/** The release a service runs when no rollout is in progress (SERVICE_VERSION, default 1.8.3). */
const baseRelease = process.env.SERVICE_VERSION?.trim() || '1.8.3';

interface RegionalSettings {
  currency: string;
  locale: string;
}

const regionalSettings: Record<string, RegionalSettings> = {
  'eu-west-1': { currency: 'EUR', locale: 'en-IE' },
  'us-east-1': { currency: 'USD', locale: 'en-US' },
  'us-west-2': { currency: 'USD', locale: 'en-US' },
};

const defaultRegion = 'us-east-1';

/** Regional settings for one request or message. */
export interface RequestContext {
  region: string;
  currency: string;
  locale: string;
}

/** Returns the release `serviceName` currently runs (the rolled-out version while one is active). */
export function readCurrentRelease(serviceName: string): string {
  const deploy = currentFaults().badDeploy;
  return deploy?.service === serviceName ? deploy.version : baseRelease;
}

/**
 * Resolves the regional settings for a request from the region its edge sent (`edgeRegion`,
 * e.g. the `x-edge-region` header), defaulting to us-east-1. May throw a TypeError: the
 * rolled-out release forgets to normalise the short region aliases some edges still send
 * (`use1`), and reads the settings of an unknown region.
 */
export function resolveRequestContext(serviceName: string, edgeRegion: string | undefined): RequestContext {
  const deploy = currentFaults().badDeploy;
  let region = edgeRegion === 'use1' ? 'us-east-1' : edgeRegion && Object.hasOwn(regionalSettings, edgeRegion) ? edgeRegion : defaultRegion;
  if (deploy?.service === serviceName && rollShare(deploy.errorShare)) region = 'use1';
  const settings = regionalSettings[region];
  return { region, currency: settings.currency, locale: settings.locale };
}
