/** bench:dispatch's Piscina task: trivial on purpose, so that only the hand-off is measured. */
export default function double(x: number): number {
  return x * 2;
}
