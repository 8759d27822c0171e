// Writes oclif.manifest.json from the compiled commands, so the CLI finds a command without importing
// every command module at start-up (`ciltune --version` stays fast).
import {Plugin} from '@oclif/core'
import {writeFileSync} from 'node:fs'

const plugin = new Plugin({root: process.cwd(), type: 'core', ignoreManifest: true, errorOnManifestCreate: true})
await plugin.load()
writeFileSync('oclif.manifest.json', JSON.stringify(plugin.manifest, null, 2) + '\n')
console.log(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands`)
