/**
 * A binary heap ordered by `comesFirst(a, b)` (true when a must pop before b).
 * No decrease-key: callers push fresh entries and drop stale ones when popped.
 */
export class BinaryHeap<T> {
  private readonly items: T[] = [];
  private readonly comesFirst: (a: T, b: T) => boolean;

  constructor(comesFirst: (a: T, b: T) => boolean) {
    this.comesFirst = comesFirst;
  }

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let child = items.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.comesFirst(items[child], items[parent])) break;
      [items[child], items[parent]] = [items[parent], items[child]];
      child = parent;
    }
  }

  peek(): T | undefined {
    return this.items[0];
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftDown(start: number): void {
    const items = this.items;
    let parent = start;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let first = parent;
      if (left < items.length && this.comesFirst(items[left], items[first])) first = left;
      if (right < items.length && this.comesFirst(items[right], items[first])) first = right;
      if (first === parent) return;
      [items[parent], items[first]] = [items[first], items[parent]];
      parent = first;
    }
  }
}
