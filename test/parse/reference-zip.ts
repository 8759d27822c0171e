import {join} from 'node:path'
import yauzl from 'yauzl'
import {REFERENCE_DIR} from '../helpers/reference.js'

/** Read one entry of the real 1.10 sysdump in ../shared/reference/sysdump, in place (never copied). */
export async function readSysdumpEntry(suffix: string): Promise<{name: string, text: string}> {
  const path = join(REFERENCE_DIR, 'sysdump', 'cilium-sysdump-20210525-174507.zip')
  return new Promise((resolve, reject) => {
    yauzl.open(path, {lazyEntries: true}, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('cannot open sysdump'))
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!entry.fileName.endsWith(suffix)) return zip.readEntry()
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('cannot read entry'))
          const chunks: Buffer[] = []
          stream.on('data', (c: Buffer) => chunks.push(c))
          stream.on('end', () => {
            zip.close()
            resolve({name: entry.fileName, text: Buffer.concat(chunks).toString('utf8')})
          })
        })
      })
      zip.on('end', () => reject(new Error(`no entry ending in ${suffix}`)))
      zip.readEntry()
    })
  })
}
