import os from 'node:os';
import type { Meter } from '@opentelemetry/api';

/**
 * Process CPU and memory, per the OpenTelemetry process semantic conventions. The runtime
 * instrumentation covers the event loop, heap and GC; these complete the picture.
 */
export function observeProcess(meter: Meter): void {
  const cpuTime = meter.createObservableCounter('process.cpu.time', { unit: 's', description: 'CPU time used by the process, by mode.' });
  const cpuUtilization = meter.createObservableGauge('process.cpu.utilization', {
    unit: '1',
    description: 'CPU time used since the last measurement, divided by the elapsed time and the number of CPUs available.',
  });
  const memory = meter.createObservableUpDownCounter('process.memory.usage', { unit: 'By', description: 'Resident set size of the process.' });
  const cpus = Math.max(1, os.availableParallelism());
  let last = { usage: process.cpuUsage(), atNs: process.hrtime.bigint() };

  meter.addBatchObservableCallback(
    (observer) => {
      const usage = process.cpuUsage();
      const atNs = process.hrtime.bigint();
      observer.observe(cpuTime, usage.user / 1e6, { 'cpu.mode': 'user' });
      observer.observe(cpuTime, usage.system / 1e6, { 'cpu.mode': 'system' });
      const elapsedUs = Number(atNs - last.atNs) / 1e3;
      if (elapsedUs > 0) {
        const usedUs = usage.user - last.usage.user + (usage.system - last.usage.system);
        observer.observe(cpuUtilization, usedUs / elapsedUs / cpus);
      }
      last = { usage, atNs };
      observer.observe(memory, process.memoryUsage.rss());
    },
    [cpuTime, cpuUtilization, memory],
  );
}
