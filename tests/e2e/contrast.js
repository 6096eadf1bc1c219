// WCAG AA contrast of a page as drawn (tests/e2e/test_theme.py evaluates this function): each
// visible text node's colour, composed over the backgrounds behind it (a gradient counts as each
// of its stops), against 4.5:1 (3:1 for large text); then the edge of each form control and vote
// box (its border or its fill) against 3:1. Returns what falls short, one line each.
() => {
  const parse = (c) => {
    const m = c && c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat([1]);
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((m, n) => n - m); return (x + 0.05) / (y + 0.05); };
  const canvas = parse(getComputedStyle(document.documentElement).backgroundColor);
  const page = canvas && canvas[3] > 0 ? over(canvas, [255, 255, 255, 1]) : [255, 255, 255, 1];
  // The backgrounds behind an element, from the element outwards, as lists of candidate colours.
  const behind = (el) => {
    let layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      const stops = (style.backgroundImage.match(/rgba?\([^)]+\)/g) || []).map(parse);
      if (stops.length) layers.push(stops);
      const colour = parse(style.backgroundColor);
      if (colour && colour[3] > 0) layers.push([colour]);
      if (colour && colour[3] === 1 && !stops.length) break;
    }
    let candidates = [page];
    for (const layer of layers.reverse()) {
      candidates = candidates.flatMap((under) => layer.map((top) => over(top, under)));
    }
    return candidates;
  };
  const shown = (el) => {
    const rect = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return rect.width > 1 && rect.height > 1 && rect.right > 0 && style.visibility === "visible"
      && !el.closest("[aria-hidden=true], .visually-hidden, :disabled, svg, .lightbox, .share-qr img");
  };
  const failures = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const el = text.parentElement;
    if (!text.textContent.trim() || seen.has(el) || !shown(el)) continue;
    seen.add(el);
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const needed = large ? 3 : 4.5;
    for (const bg of behind(el)) {
      const fg = over(parse(style.color), bg);
      const r = ratio(fg, bg);
      if (r < needed - 0.005) {
        const where = `<${el.tagName.toLowerCase()} class="${el.className}">`;
        const what = `${style.color} on rgb(${bg.slice(0, 3).map(Math.round)})`;
        failures.push(`text ${r.toFixed(2)} < ${needed}: "${text.textContent.trim().slice(0, 40)}" in ${where} ${what}`);
        break;
      }
    }
  }
  const controls = "input:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea, select, .vote-button";
  for (const el of document.querySelectorAll(controls)) {
    if (!shown(el)) continue;
    const style = getComputedStyle(el);
    const edge = parse(style.borderTopColor);
    if (!edge || parseFloat(style.borderTopWidth) === 0) continue;
    for (const bg of behind(el.parentElement)) {
      const fill = over(parse(style.backgroundColor) || [0, 0, 0, 0], bg);
      const r = Math.max(ratio(over(edge, bg), bg), ratio(fill, bg));
      if (r < 2.995) {
        const where = `<${el.tagName.toLowerCase()} class="${el.className}" name="${el.name || ""}">`;
        failures.push(`edge ${r.toFixed(2)} < 3: ${where}`);
        break;
      }
    }
  }
  return failures;
}
