import { describe, expect, it } from 'vitest'
import { withinLimit } from '../src/lib/photoLimit'

describe('withinLimit', () => {
  it('keeps the first photos that fit and counts the refused ones', () => {
    expect(withinLimit(7, ['a', 'b', 'c', 'd'], 9)).toEqual({ kept: ['a', 'b'], refused: 2 })
  })
  it('refuses the 10th photo', () => {
    expect(withinLimit(9, ['j'], 9)).toEqual({ kept: [], refused: 1 })
  })
  it('keeps all when there is room', () => {
    expect(withinLimit(0, ['a'], 9)).toEqual({ kept: ['a'], refused: 0 })
  })
})
