"use strict";
/**
 * Mocha's spec reporter, plus a machine-readable count of the run for
 * scripts/run-tests: when MOCHA_SUMMARY_FILE (or the reporter option
 * summaryFile) names a file, it receives {"passes":N,"failures":N,"pending":N}
 * once the run ends. Failures include failed hooks (a failed `before` stops the
 * tests under it, which then never count as passed).
 *
 *   mocha --reporter test/support/summaryReporter.js …
 */
const fs = require("node:fs");
const Mocha = require("mocha");

const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options = {}) {
    super(runner, options);
    const reporterOptions = options.reporterOption || options.reporterOptions || {};
    const file = reporterOptions.summaryFile || process.env.MOCHA_SUMMARY_FILE;
    if (!file) return;
    runner.once(EVENT_RUN_END, () => {
      const { passes = 0, failures = 0, pending = 0 } = runner.stats || this.stats || {};
      fs.writeFileSync(file, `${JSON.stringify({ passes, failures, pending })}\n`);
    });
  }
}

module.exports = SummaryReporter;
