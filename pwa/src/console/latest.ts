/** Questions asked one after another, where only the newest one's answer counts: a slower answer to an
 *  older question never replaces a newer one (the filters changed while a page was on its way).
 *  `const still = ask()` when asking; `still()` is false once a newer question has been asked. */
export function newestOnly(): () => () => boolean {
  let asked = 0
  return () => {
    const mine = ++asked
    return () => mine === asked
  }
}
