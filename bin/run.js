#!/usr/bin/env node
import {fastVersion} from './version.js'

const version = await fastVersion(process.argv.slice(2))
if (version === undefined) {
  // loaded only when needed: oclif's config loading is most of a cold start
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
} else {
  process.stdout.write(version)
}
