/** This package's name and version, as the telemetry.distro.* resource attributes report them. */
export const SDK_NAME = '@pharos/node';
export const SDK_VERSION = '0.1.0';
