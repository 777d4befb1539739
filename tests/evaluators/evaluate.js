// Evaluates a flagd export with @openfeature/flagd-core for a batch of users, in one process.
// Usage: node evaluate.js REQUEST.json
//   REQUEST: {"config": <flagd export>, "flags": [KEY...], "users": [{"key", "attributes"}]}
// Prints {"answers": [[value per flag] per user], "errors": [text]}: `errors` holds every
// warning or error the evaluator logged and every evaluation that ended in an error.
'use strict';
const fs = require('fs');
const { FlagdCore } = require('@openfeature/flagd-core');

const request = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const errors = [];
const logger = {
  error: (...a) => errors.push('error: ' + a.join(' ')),
  warn: (...a) => errors.push('warn: ' + a.join(' ')),
  info: () => {},
  debug: () => {},
};
const core = new FlagdCore(undefined, logger);
core.setConfigurations(JSON.stringify(request.config));
const answers = request.users.map((user) => {
  const ctx = Object.assign({}, user.attributes, { targetingKey: user.key });
  return request.flags.map((flag) => {
    // The default differs from every variant's value, so a fallback cannot pass for an answer.
    // Typed flags (PRODUCT.md section 8): the method of the values' type.
    const first = Object.values(request.config.flags[flag].variants)[0];
    const kind = typeof first;
    const r =
      kind === 'boolean'
        ? core.resolveBooleanEvaluation(flag, null, ctx, logger)
        : kind === 'string'
          ? core.resolveStringEvaluation(flag, null, ctx, logger)
          : kind === 'number'
            ? core.resolveNumberEvaluation(flag, null, ctx, logger)
            : core.resolveObjectEvaluation(flag, null, ctx, logger);
    if (r.errorCode || typeof r.value !== kind) {
      errors.push(`${flag} for ${JSON.stringify(ctx)}: ${r.errorCode} ${r.errorMessage}`);
      return null;
    }
    return r.value;
  });
});
process.stdout.write(JSON.stringify({ answers, errors }));
