import {expect} from 'chai'
import {parseQuantity} from '../../src/parse/quantity.js'

describe('parseQuantity', function () {
  const cases: [unknown, number | undefined][] = [
    ['5035968Ki', 5156831232], ['16Gi', 17179869184], ['1Mi', 1048576], ['1Ti', 2 ** 40],
    ['500m', 0.5], ['3500m', 3.5], ['2', 2], ['110', 110], ['1k', 1000], ['1M', 1e6], ['1G', 1e9],
    ['1e3', 1000], ['1.5Gi', 1.5 * 2 ** 30], ['100n', 1e-7], [' 4Gi ', 4 * 2 ** 30], [8, 8],
    ['', undefined], ['Gi', undefined], ['4 Gi', undefined], ['4GB', undefined], ['x', undefined], [null, undefined], [NaN, undefined], ['1e999', undefined],
  ]
  for (const [input, want] of cases) {
    it(`${JSON.stringify(input)} → ${want}`, function () {
      expect(parseQuantity(input)).to.equal(want)
    })
  }
})
