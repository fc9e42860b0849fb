// Dropped, picked and pasted files: each becomes a card with its thumbnail and top-5,
// or an error card. Folders are walked (webkitGetAsEntry). Files are classified one
// after another so a big folder never holds every image in memory at once.

/** Every File in a drop: plain files and the contents of dropped folders. */
export async function filesFromDataTransfer(dt) {
  const entries = [];
  const loose = [];
  for (const item of dt.items ?? []) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const f = item.getAsFile();
      if (f) loose.push(f);
    }
  }
  if (entries.length === 0 && loose.length === 0) return [...(dt.files ?? [])];
  const out = [...loose];
  for (const entry of entries) await walkEntry(entry, out);
  return out;
}

async function walkEntry(entry, out) {
  if (entry.isFile) {
    if (entry.name.startsWith('.')) return; // .DS_Store and friends
    out.push(await new Promise((resolve, reject) => entry.file(resolve, reject)));
    return;
  }
  if (!entry.isDirectory) return;
  const reader = entry.createReader();
  // readEntries returns the listing in batches until an empty one.
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    batch.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of batch) await walkEntry(e, out);
  }
}

/** Cards for files, classified in order through classify(file) -> predictions. */
export class CardList {
  constructor(container, { classify, describe }) {
    this.container = container;
    this.classify = classify;
    this.describe = describe;
    this.queue = Promise.resolve();
  }

  add(files) {
    for (const file of files) {
      const card = this.card(file);
      this.container.prepend(card.el);
      this.queue = this.queue.then(() => this.run(file, card));
    }
    return this.queue;
  }

  card(file) {
    const el = document.createElement('article');
    el.className = 'card';
    el.dataset.status = 'pending';
    el.dataset.file = file.name;
    const thumb = document.createElement('img');
    thumb.alt = '';
    thumb.className = 'thumb';
    const url = URL.createObjectURL(file);
    thumb.src = url;
    // The thumbnail keeps its decoded pixels; the blob URL is not needed after that.
    thumb.addEventListener('load', () => URL.revokeObjectURL(url), { once: true });
    thumb.addEventListener('error', () => { thumb.classList.add('broken'); URL.revokeObjectURL(url); }, { once: true });
    const body = document.createElement('div');
    body.className = 'card-body';
    const h = document.createElement('h3');
    h.textContent = file.webkitRelativePath || file.name;
    const status = document.createElement('p');
    status.className = 'card-status';
    status.textContent = 'Waiting…';
    body.append(h, status);
    el.append(thumb, body);
    return { el, body, status, thumb };
  }

  async run(file, card) {
    card.status.textContent = 'Classifying…';
    try {
      if (file.type && !file.type.startsWith('image/')) {
        throw new Error(`${file.type} is not an image type`);
      }
      const preds = await this.classify(file);
      card.el.dataset.status = 'ok';
      card.el.dataset.top1 = String(preds[0]?.index ?? '');
      card.body.append(predictionList(preds));
      card.status.textContent = this.describe(preds.timings);
    } catch (err) {
      card.el.dataset.status = 'error';
      card.el.setAttribute('role', 'alert');
      card.thumb.classList.add('broken');
      card.status.textContent = `Could not classify this file: ${String(err?.message ?? err).replace(/^mobilenet: /, '')}`;
    }
  }
}

/** An <ol> of label / percentage / bar rows: the results as text for everyone. */
export function predictionList(preds, list = document.createElement('ol')) {
  list.classList.add('top5');
  const rows = [];
  for (const p of preds) {
    const li = document.createElement('li');
    li.dataset.index = String(p.index);
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = p.label;
    const pct = document.createElement('span');
    pct.className = 'prob';
    pct.textContent = `${(p.probability * 100).toFixed(1)}%`;
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.setAttribute('aria-hidden', 'true');
    bar.style.setProperty('--p', String(p.probability));
    li.append(label, pct, bar);
    rows.push(li);
  }
  list.replaceChildren(...rows);
  return list;
}
