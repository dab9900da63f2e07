/*
 * Zoeken op de site, helemaal in de browser (samenloket, EUPL-1.2).
 *
 * Pagefind's JS API with our own markup (no inline style, no UI library).
 * The national index (zoekindex/landelijk/) is merged with this gemeente's own
 * (zoekindex/lokaal/). National results for products this gemeente does not
 * offer (not in the A-Z list on the page) or has its own text for (the
 * "eigen" filter of its local index: its CBS code and the product) are
 * filtered out, and so are the own texts of the other gemeenten that share
 * the local index. Without JavaScript the page shows the
 * A-Z list of all products, so nothing here is needed to find a product.
 *
 * The local index is shared by gemeenten with the same local data, or with
 * contact details and desks of the same form: where a page shows the
 * gemeente's name or province, or one of those details (a phone number, a
 * desk's name or address), it holds a placeholder word (slkt...). The search
 * box carries this site's own values (data-slkt-*): a query that names them
 * (the name, or any word of a detail: "stadskantoor", "0355") is also
 * searched with the placeholder word, and results show the own values again.
 */

const PAGE_SIZE = 10;
const MIN_TYPED = 3;
const container = document.getElementById("zoeken");

if (container) {
  start(container);
}

async function start(box) {
  const form = document.getElementById("zoekformulier");
  const input = document.getElementById("zoekvraag");
  const status = document.getElementById("zoekstatus");
  const section = document.getElementById("zoekresultaten");
  const list = section.querySelector("ol");
  const more = document.getElementById("meer-resultaten");
  const root = new URL(box.dataset.searchRoot || "./", document.baseURI);
  const identity = ownValues(box);
  const query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  if (query.trim()) {
    status.textContent = "Bezig met zoeken…";
  }

  let pagefind;
  let filters = {};
  try {
    pagefind = await import(new URL("zoekindex/landelijk/pagefind.js", root).href);
    // noWorker: our indexes are small enough to search on the page itself,
    // which spares the first search Pagefind's worker script (~12 KB).
    await pagefind.options({ baseUrl: root.pathname, excerptLength: 24, noWorker: true });
    await pagefind.mergeIndex(new URL("zoekindex/lokaal/", root).pathname, {
      baseUrl: root.pathname,
      noWorker: true,
    });
    filters = await hiddenResults(pagefind, box.dataset.gemeente || "");
  } catch (error) {
    status.textContent =
      "Zoeken werkt op dit moment niet. Kies hieronder uit alle producten en diensten.";
    return;
  }

  let results = [];
  let shown = 0;
  let latest = 0;
  let term = "";

  async function run(value) {
    const ticket = ++latest;
    term = value.trim();
    if (!term) {
      list.replaceChildren();
      section.hidden = true;
      status.textContent = "";
      return;
    }
    const found = await find(pagefind, term, filters, identity);
    if (ticket !== latest) {
      return;
    }
    results = found;
    shown = 0;
    list.replaceChildren();
    await showMore(ticket, false);
  }

  /* A search that fails (a part of the index that did not load, say) says so,
   * instead of leaving the page silent; the next search tries again. */
  function failed(error) {
    console.error("Zoeken mislukt:", error);
    status.textContent =
      "Zoeken lukte niet. Probeer het opnieuw, of kies hieronder uit alle producten en diensten.";
  }

  async function showMore(ticket, moveFocus) {
    const slice = results.slice(shown, shown + PAGE_SIZE);
    // A result's text is one small file each: one that fails to load (a
    // dropped connection) is asked for once more before the search gives up.
    const data = await Promise.all(
      slice.map((result) => result.data().catch(() => result.data())),
    );
    if (ticket !== latest) {
      return;
    }
    const items = data.map((result) => resultItem(result, identity));
    list.append(...items);
    shown += slice.length;
    section.hidden = results.length === 0;
    more.hidden = shown >= results.length;
    status.textContent = message(results.length, term);
    if (moveFocus && items.length) {
      items[0].querySelector("a").focus();
    }
  }

  // While typing, a term is searched from MIN_TYPED letters on: a letter or
  // two matches a large part of the index (every chunk it spans is loaded)
  // and gives no useful results. Enter searches any term.
  let timer;
  function typed(pause) {
    clearTimeout(timer);
    const value = input.value;
    if (value.trim() && value.trim().length < MIN_TYPED) {
      latest++;
      list.replaceChildren();
      section.hidden = true;
      status.textContent = "Typ verder, of druk op Enter om te zoeken.";
      return;
    }
    timer = setTimeout(() => {
      remember(value);
      run(value).catch(failed);
    }, pause);
  }
  input.addEventListener("input", () => typed(300));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    remember(input.value);
    run(input.value).catch(failed);
  });
  more.addEventListener("click", () => showMore(latest, true).catch(failed));

  // Whatever is in the box now is searched, so no keystroke before start-up
  // is lost: a term from ?q= at once, a term typed while the index was still
  // loading as if it had just been typed.
  if (input.value === query) {
    if (query.trim()) {
      await run(query).catch(failed);
    }
  } else {
    typed(0);
  }
}

/* This site's own values for the placeholder words of the local index, in the
 * order the search box lists them (name first). */
function ownValues(box) {
  return Object.entries(box.dataset)
    .filter(([key, value]) => key.startsWith("slkt") && value)
    .map(([key, value]) => ({
      word: key.toLowerCase(),
      value,
      asWord: placeholder(key.toLowerCase()),
      // A detail (slkt-l<n>) is named by any of its words; a name only whole.
      asValue: /^slktl\d+$/i.test(key) ? anyWord(value) : wholeWords(value),
    }));
}

/* Every occurrence of a placeholder word, also right after other text (an
 * excerpt may join a label and its value: "Telefoonslktl0"), but not as the
 * start of a longer one (slktl1 in slktl10). */
function placeholder(word) {
  return new RegExp(`${escaped(word)}(?![\\p{L}\\p{N}])`, "giu");
}

/* Every occurrence of any word of the text (two letters or digits or more),
 * or of its first three letters or more: "stadsk" while typing "stadskantoor". */
function anyWord(text) {
  const words = text.split(/[^\p{L}\p{N}]+/u).filter((word) => word.length > 1);
  if (!words.length) {
    return /(?!)/gu; // matches nothing
  }
  const any = words.map(prefixes).join("|");
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${any})(?![\\p{L}\\p{N}])`, "giu");
}

/* A pattern for the word and for each of its beginnings of three or more
 * characters: sta(?:d(?:s)?)? for "stads". */
function prefixes(word) {
  const chars = [...word].map(escaped);
  if (chars.length <= 3) {
    return chars.join("");
  }
  let rest = "";
  for (const char of chars.slice(3).reverse()) {
    rest = `(?:${char}${rest})?`;
  }
  return chars.slice(0, 3).join("") + rest;
}

/* Every occurrence of text that is not part of a longer word, in any case. */
function wholeWords(text) {
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped(text)}(?![\\p{L}\\p{N}])`, "giu");
}

function escaped(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/* The query as the shared local index has it: own values as placeholder words. */
function withPlaceholders(term, identity) {
  let result = term;
  for (const { word, asValue } of identity) {
    result = result.replace(asValue, word);
  }
  return result;
}

/* The own values in text from the index, instead of the placeholder words. */
function withOwnValues(text, identity) {
  let result = text;
  for (const { value, asWord } of identity) {
    result = result.replace(asWord, value);
  }
  return result;
}

/* Results for the query as typed and, when it names the gemeente, as the local
 * index has it; best first. Pagefind needs every word of a query on a page,
 * so the two searches together find what one index with the real name would. */
async function find(pagefind, term, filters, identity) {
  const queries = [term];
  const local = withPlaceholders(term, identity);
  if (local !== term) {
    queries.push(local);
  }
  // One after the other: both searches load index chunks into Pagefind's one
  // engine, and the second mostly needs the chunks the first just loaded.
  const answers = [];
  for (const query of queries) {
    answers.push(await pagefind.search(query, { filters }));
  }
  const best = new Map();
  for (const answer of answers) {
    for (const result of answer.results) {
      const known = best.get(result.id);
      if (!known || result.score > known.score) {
        best.set(result.id, result);
      }
    }
  }
  return [...best.values()].sort((a, b) => b.score - a.score);
}

/* Pagefind filter that hides the results this site must not show: national
 * products it does not offer or has its own text for, the own texts of the
 * other gemeenten that share its local index ("eigen": code/slug, code/home,
 * code/nieuws/slug), and the shared homepage and news page ("pagina") where
 * this site has its own homepage text or news. */
async function hiddenResults(pagefind, code) {
  const offered = new Set();
  for (const link of document.querySelectorAll("#alle-producten-lijst a[href]")) {
    const match = link.getAttribute("href").match(/producten\/([^/]+)\/$/);
    if (match) {
      offered.add(match[1]);
    }
  }
  const available = await pagefind.filters();
  const own = new Set();
  const others = [];
  for (const value of Object.keys(available.eigen || {})) {
    if (value.startsWith(`${code}/`)) {
      own.add(value.slice(code.length + 1));
    } else {
      others.push(value);
    }
  }
  const national = Object.keys(available.product || {});
  const hidden = national.filter((slug) => !offered.has(slug) || own.has(slug));
  // The shared homepage and news page, where this site has its own text or news.
  const replaced = [];
  if (own.has("home")) {
    replaced.push("home");
  }
  if ([...own].some((value) => value.startsWith("nieuws/"))) {
    replaced.push("nieuws");
  }
  const none = [];
  if (hidden.length) {
    none.push({ product: { any: hidden } });
  }
  if (others.length) {
    none.push({ eigen: { any: others } });
  }
  if (replaced.length) {
    none.push({ pagina: { any: replaced } });
  }
  return none.length ? { none } : {};
}

function remember(value) {
  const url = new URL(window.location.href);
  if (value.trim()) {
    url.searchParams.set("q", value.trim());
  } else {
    url.searchParams.delete("q");
  }
  window.history.replaceState(null, "", url);
}

function message(count, term) {
  if (count === 0) {
    return `Geen resultaten voor “${term}”. Probeer een ander woord, of kies hieronder uit alle producten en diensten.`;
  }
  return `${count} ${count === 1 ? "resultaat" : "resultaten"} voor “${term}”.`;
}

function resultItem(data, identity) {
  const item = document.createElement("li");
  const heading = document.createElement("h3");
  const link = document.createElement("a");
  // A gemeente's own text is indexed at its page plus "#<CBS code>" (the
  // gemeenten sharing the local index each have theirs): link to the page.
  const url = data.filters && data.filters.eigen ? data.url.split("#")[0] : data.url;
  link.href = url;
  const title = (data.meta && data.meta.title) || url;
  link.textContent = withOwnValues(title, identity);
  heading.append(link);
  item.append(heading);
  const kind = (data.meta && data.meta.soort) || "Pagina";
  const label = document.createElement("p");
  label.className = "search-results__kind";
  label.textContent = kind;
  item.append(label);
  const excerpt = document.createElement("p");
  excerpt.append(...excerptNodes(data.excerpt || "", identity));
  item.append(excerpt);
  return item;
}

/* Pagefind's excerpt is text with <mark> around the search words: rebuild it
 * from text nodes and <mark> elements only, so no markup from the index runs. */
function excerptNodes(html, identity) {
  const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const nodes = [];
  for (const node of parsed.body.firstChild.childNodes) {
    const text = withOwnValues(node.textContent, identity);
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = text;
      nodes.push(mark);
    } else {
      nodes.push(document.createTextNode(text));
    }
  }
  return nodes;
}
