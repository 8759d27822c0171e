// Redaction lives in one module for every output (src/util/redact.ts); suggest keeps its import path.
export {isSecretPath, looksSecret, REDACTED, redactScalar, redactText, redactValues} from '../util/redact.js'
