#!/usr/bin/env node
// kubectl finds plugins by name on PATH: `kubectl ciltune doctor` runs this file with the arguments after "ciltune".
import {fastVersion} from './version.js'

const version = await fastVersion(process.argv.slice(2))
if (version === undefined) {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
} else {
  process.stdout.write(version)
}
