/**
 * A restore works on several objects at once, but reports them in the catalog's order, so that the same
 * restore prints the same lines whatever finished first (a parallel run's report equals the serial one's,
 * and a later run can be compared line by line). Each object takes its place when it starts; its report
 * goes out once every object before it has gone out. The caller bounds how many places wait (`waiting`),
 * so memory stays constant whatever the order of completion. Pure.
 */

export class InOrder<T> {
  private readonly places: { filled: boolean; value: T | undefined }[] = [];

  constructor(private readonly emit: (value: T) => void) {}

  /** Places taken and not yet handed on: the objects started whose report (or an earlier one) is not out. */
  get waiting(): number {
    return this.places.length;
  }

  /** Takes the next place; the function returned fills it (with nothing to report: undefined), once. */
  take(): (value: T | undefined) => void {
    const place: { filled: boolean; value: T | undefined } = { filled: false, value: undefined };
    this.places.push(place);
    return (value) => {
      if (place.filled) return;
      place.filled = true;
      place.value = value;
      this.flush();
    };
  }

  private flush(): void {
    while (this.places[0]?.filled) {
      const { value } = this.places.shift()!;
      if (value !== undefined) this.emit(value);
    }
  }
}
