// Cocreate's small progressive enhancements; every page works without them.
"use strict";

// Close an open dropdown menu when the user clicks elsewhere or presses Escape.
document.addEventListener("click", (event) => {
  for (const menu of document.querySelectorAll("details.dropdown[open]")) {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const menu of document.querySelectorAll("details.dropdown[open]")) {
    menu.removeAttribute("open");
    menu.querySelector("summary")?.focus();
  }
});

// Drafts: text typed into a form is kept in this browser until the server says it is saved,
// so a lost connection, a closed tab or an expired session never costs a long solution.
const DRAFT_PREFIX = "cocreate-draft:";

function draftKey(form, field) {
  const action = new URL(form.getAttribute("action") || window.location.href, window.location.href).pathname;
  const parent = form.querySelector("input[name=parent_id]")?.value || "";
  return `${DRAFT_PREFIX}${action}|${parent}|${field.name}`;
}

function forgetDrafts(path) {
  for (let i = localStorage.length - 1; i >= 0; i--) {
    const key = localStorage.key(i);
    if (key && key.startsWith(`${DRAFT_PREFIX}${path}|`)) localStorage.removeItem(key);
  }
}

try {
  const saved = document.body.dataset.clearDraft;
  if (saved) forgetDrafts(saved);
  for (const form of document.querySelectorAll("form[data-keep-draft]")) {
    for (const field of form.querySelectorAll("textarea, input[type=text]")) {
      const key = draftKey(form, field);
      const draft = localStorage.getItem(key);
      if (draft && !field.value) {
        field.value = draft;
        field.closest("details")?.setAttribute("open", "");
      }
      field.addEventListener("input", () => {
        if (field.value) localStorage.setItem(key, field.value);
        else localStorage.removeItem(key);
      });
    }
  }
} catch (error) {
  // Storage may be disabled (private mode); forms still work without drafts.
}

// Votes update in place; without JavaScript the same form posts and the page comes back at the
// button, the refusal (if any) beside it. The button is never disabled, which would drop keyboard
// focus to the page: a pending flag and aria-disabled keep a second press from sending it twice.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!form.matches("form[data-vote]")) return;
  event.preventDefault();
  const button = form.querySelector("button");
  if (form.dataset.pending) return;
  // A reason known when the page was made (their own idea, voting closed): said at once, no request.
  if (button.dataset.refusal) {
    refuseVote(form, button.dataset.refusal);
    return;
  }
  form.dataset.pending = "1";
  button.setAttribute("aria-disabled", "true");
  let response;
  try {
    // Not form.action: the form has an input named "action", which shadows the property.
    response = await fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
  } catch (error) {
    settleVote(form, button);
    form.submit(); // the request never reached the forum: post the plain form instead
    return;
  }
  try {
    // Every answer to this fetch is JSON, errors included; the vote is never sent twice.
    const data = await response.json();
    if (!response.ok) {
      const reason = response.status === 422 ? data.error?.message : null;
      refuseVote(form, reason || (response.status === 429 ? button.dataset.tooFast : button.dataset.failed));
      return;
    }
    forgetVoteRefusals(); // "no votes left" and the like are no longer true once a vote goes through
    form.querySelector(".vote-count").textContent = data.votes;
    form.querySelector("input[name=action]").value = data.voted ? "remove" : "add";
    button.classList.toggle("voted", data.voted);
    button.setAttribute("aria-pressed", String(data.voted));
    // The server's words, the idea's title in a <span lang> when it is in the other language.
    form.querySelector("[data-vote-name]").innerHTML = data.name_html;
    form.querySelector(".vote-label").textContent = data.voted ? button.dataset.labelRemove : button.dataset.labelAdd;
    form.querySelector("[data-vote-said]").innerHTML = data.said_html;
    const budget = document.querySelector("[data-budget-used]");
    if (budget && data.budget) budget.textContent = data.budget_used;
  } catch (error) {
    refuseVote(form, button.dataset.failed);
  } finally {
    settleVote(form, button);
  }
});

function settleVote(form, button) {
  delete form.dataset.pending;
  if (!button.dataset.refusal) button.removeAttribute("aria-disabled");
}

// The refusal goes in the note beside the button (a live region, so it is also heard); the
// same words again are cleared first, so a second press is heard too.
function refuseVote(form, text) {
  const note = document.getElementById(`${form.id}-note`);
  note.dataset.refused = "";
  if (note.textContent === text) {
    note.textContent = "";
    setTimeout(() => {
      note.textContent = text;
    }, 150);
  } else {
    note.textContent = text;
  }
}

function forgetVoteRefusals() {
  for (const note of document.querySelectorAll(".vote-note[data-refused]")) {
    note.textContent = note.dataset.note || "";
    delete note.dataset.refused;
  }
  document.querySelectorAll(".flashes [data-refused-at]").forEach((old) => old.remove());
}

// Duplicate hints: while a fan writes a solution, show the most similar ones already posted.
const similarBox = document.querySelector("[data-similar]");
if (similarBox) {
  const form = similarBox.closest("form");
  const title = form.querySelector("[name=title]");
  const body = form.querySelector("[name=body]");
  let timer = null;
  let lastQuery = "";
  const refresh = async () => {
    const query = `${title.value} ${body.value}`.trim().slice(0, 2000);
    if (query.length < 4 || query === lastQuery) return;
    lastQuery = query;
    try {
      const response = await fetch(`${similarBox.dataset.similar}?q=${encodeURIComponent(query)}`, {
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return;
      const data = await response.json();
      similarBox.replaceChildren();
      if (!data.solutions.length) return;
      const heading = document.createElement("p");
      const strong = document.createElement("strong");
      strong.textContent = similarBox.dataset.heading;
      heading.append(strong);
      const list = document.createElement("ul");
      for (const item of data.solutions) {
        const link = document.createElement("a");
        link.href = item.url;
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = item.title;
        const entry = document.createElement("li");
        entry.append(link);
        list.append(entry);
      }
      similarBox.append(heading, list);
    } catch (error) {
      // Hints are a help, not a need: the form works without them.
    }
  };
  for (const field of [title, body]) {
    field.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 600);
    });
  }
}

// Actions that are hard to undo ask first in a dialog (templates/_macros/forms.html, `confirmed`),
// then post with confirmed=1. Without JavaScript the flag stays empty and the server asks on a
// page of its own (forum/confirm.py), so one tap never does the action either way.
let confirmDialog = null;

function buildConfirmDialog() {
  const dialog = document.createElement("dialog");
  dialog.className = "confirm-dialog";
  dialog.setAttribute("aria-labelledby", "confirm-dialog-question");
  dialog.setAttribute("aria-describedby", "confirm-dialog-detail");
  const article = document.createElement("article");
  const question = document.createElement("h2");
  question.id = "confirm-dialog-question";
  const detail = document.createElement("p");
  detail.id = "confirm-dialog-detail";
  const summary = document.createElement("p");
  summary.className = "confirm-summary";
  const choices = document.createElement("form");
  choices.method = "dialog";
  choices.className = "confirm-actions";
  const cancel = document.createElement("button");
  cancel.value = "cancel";
  cancel.className = "secondary outline";
  cancel.autofocus = true;
  const confirm = document.createElement("button");
  confirm.value = "confirm";
  confirm.className = "danger";
  choices.append(cancel, confirm);
  article.append(question, detail, summary, choices);
  dialog.append(article);
  // A tap on the dimmed page around the box is a cancel, as Escape is.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close("cancel");
  });
  document.body.append(dialog);
  return { dialog, question, detail, summary, cancel, confirm };
}

// What the form's own controls chose (a suspension's length, "in every community"), as the
// server's page says it.
function chosenIn(form) {
  const chosen = [];
  for (const select of form.querySelectorAll("select")) chosen.push(select.selectedOptions[0]?.text || "");
  for (const box of form.querySelectorAll("input[type=checkbox]:checked")) {
    chosen.push(box.closest("label")?.textContent.trim() || "");
  }
  return chosen.filter(Boolean).join(" · ");
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("form[data-confirm]")) return;
  const flag = form.querySelector("input[name=confirmed]");
  // A browser without <dialog> posts the form as it is, and the server asks.
  if (flag.value === "1" || typeof HTMLDialogElement !== "function") return;
  event.preventDefault();
  const submitter = event.submitter;
  if (!confirmDialog) confirmDialog = buildConfirmDialog();
  const parts = confirmDialog;
  parts.question.textContent = form.dataset.confirm;
  parts.detail.textContent = form.dataset.confirmDetail;
  parts.summary.textContent = chosenIn(form);
  parts.summary.hidden = !parts.summary.textContent;
  parts.cancel.textContent = form.dataset.confirmCancel;
  parts.confirm.textContent = form.dataset.confirmButton;
  parts.dialog.returnValue = "";
  parts.dialog.addEventListener(
    "close",
    () => {
      if (parts.dialog.returnValue !== "confirm") {
        submitter?.focus();
        return;
      }
      flag.value = "1";
      form.requestSubmit(submitter);
      // The form's data was read when it was submitted; a page kept in the history asks again.
      flag.value = "";
    },
    { once: true },
  );
  parts.dialog.showModal();
});

// == Events, rosters and time zones ==
// The browser's time zone, guessed once and kept in a cookie the server reads to show times in
// it (a page read never writes to the database; the member's settings page offers to save it).
(() => {
  let zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return;
  }
  // Zone names are letters, digits and / _ + - only: safe in a cookie as they are.
  if (!zone || !/^[A-Za-z0-9/_+-]{1,64}$/.test(zone)) return;
  if (document.cookie.split("; ").includes(`tz=${zone}`)) return;
  const secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `tz=${zone}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`;
})();

// == Writing: preview, lightbox ==

// "Write | Preview" tabs on Markdown text areas (templates/_macros/forms.html, markdown_editor).
// The preview is rendered by the server with the renderer that stores the text, so what a member
// sees here is what will be shown; without JavaScript there are no tabs, only the text area.
let editorCount = 0;

// The token of the form the text area is in (a prefixed form names its field "prefix-csrf_token").
function csrfTokenFor(field) {
  const selector = "input[name=csrf_token], input[name$='-csrf_token']";
  return (field.form?.querySelector(selector) || document.querySelector(selector))?.value || "";
}

function setupMarkdownEditor(editor) {
  const textarea = editor.querySelector("textarea");
  if (!textarea) return;
  const base = `md-${textarea.id || ++editorCount}`;
  const tablist = document.createElement("div");
  tablist.className = "markdown-tabs";
  tablist.setAttribute("role", "tablist");
  const writePanel = document.createElement("div");
  const previewPanel = document.createElement("div");
  const tabs = [
    [editor.dataset.write, writePanel, "write"],
    [editor.dataset.preview, previewPanel, "preview"],
  ].map(([label, panel, name]) => {
    const tab = document.createElement("button");
    tab.type = "button";
    tab.className = "markdown-tab";
    tab.id = `${base}-${name}-tab`;
    tab.textContent = label;
    tab.setAttribute("role", "tab");
    tab.setAttribute("aria-controls", `${base}-${name}`);
    panel.id = `${base}-${name}`;
    panel.setAttribute("role", "tabpanel");
    panel.setAttribute("aria-labelledby", tab.id);
    tablist.append(tab);
    return tab;
  });
  previewPanel.className = "markdown-preview user-text";
  previewPanel.tabIndex = 0;
  previewPanel.hidden = true;
  textarea.before(tablist);
  textarea.replaceWith(writePanel);
  writePanel.append(textarea);
  writePanel.after(previewPanel);

  let shown = "";
  const select = async (index, focus) => {
    tabs.forEach((tab, i) => {
      tab.setAttribute("aria-selected", String(i === index));
      tab.tabIndex = i === index ? 0 : -1;
    });
    if (focus) tabs[index].focus();
    // As tall as the text area was, so the page does not jump when switching.
    if (index === 1 && textarea.offsetHeight) previewPanel.style.minHeight = `${textarea.offsetHeight}px`;
    writePanel.hidden = index !== 0;
    previewPanel.hidden = index !== 1;
    if (index !== 1) return;
    const body = textarea.value;
    if (!body.trim()) {
      shown = "";
      previewPanel.replaceChildren(Object.assign(document.createElement("p"), { className: "muted", textContent: editor.dataset.empty }));
      return;
    }
    if (body === shown) return;
    previewPanel.setAttribute("aria-busy", "true");
    previewPanel.replaceChildren(Object.assign(document.createElement("p"), { className: "muted", textContent: editor.dataset.loading }));
    try {
      const form = new FormData();
      form.append("body", body);
      if (textarea.dataset.mentions) form.append("mentions", "1");
      const response = await fetch(editor.dataset.previewUrl, {
        method: "POST",
        body: form,
        headers: { Accept: "application/json", "X-CSRFToken": csrfTokenFor(textarea) },
        credentials: "same-origin",
      });
      const data = await response.json();
      if (!response.ok) throw new Error(data.error?.message || editor.dataset.failed);
      // The server's sanitized HTML (forum/text.py), the same that is stored and shown.
      previewPanel.innerHTML = data.html;
      shown = body;
    } catch (error) {
      const message = document.createElement("p");
      message.className = "field-error";
      message.setAttribute("role", "alert");
      message.textContent = error instanceof SyntaxError || error instanceof TypeError ? editor.dataset.failed : error.message;
      previewPanel.replaceChildren(message);
      shown = "";
    } finally {
      previewPanel.removeAttribute("aria-busy");
    }
  };
  tabs.forEach((tab, index) => tab.addEventListener("click", () => select(index, false)));
  tablist.addEventListener("keydown", (event) => {
    const current = tabs.indexOf(document.activeElement);
    if (current < 0) return;
    const moves = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: tabs.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    select((moves[event.key] + tabs.length) % tabs.length, true);
  });
  select(0, false);
}

document.querySelectorAll(".markdown-editor").forEach(setupMarkdownEditor);
// A form that fails shows the text area again, so the fan sees what the error is about.
document.addEventListener(
  "invalid",
  (event) => {
    const panel = event.target.closest?.(".markdown-editor [role=tabpanel]");
    if (panel?.hidden) panel.closest(".markdown-editor").querySelector("[role=tab]").click();
  },
  true,
);

// Pictures of an idea or a milestone open large in a dialog (galleries marked data-lightbox);
// arrows go between the pictures of the same post, Escape or the close button closes it and
// focus goes back to the thumbnail. Without JavaScript (or <dialog>) the link opens the image.
let lightbox = null;

function buildLightbox() {
  const dialog = document.createElement("dialog");
  dialog.className = "lightbox";
  const figure = document.createElement("figure");
  const image = document.createElement("img");
  const caption = document.createElement("figcaption");
  figure.append(image, caption);
  const button = (className, text) => {
    const control = document.createElement("button");
    control.type = "button";
    control.className = `lightbox-control ${className}`;
    control.textContent = text;
    return control;
  };
  const close = button("lightbox-close", "×");
  const previous = button("lightbox-previous", "‹");
  const next = button("lightbox-next", "›");
  dialog.append(close, previous, figure, next);
  document.body.append(dialog);
  const parts = { dialog, image, caption, close, previous, next, links: [], index: 0 };
  const show = (index) => {
    parts.index = (index + parts.links.length) % parts.links.length;
    const link = parts.links[parts.index];
    image.src = link.getAttribute("href");
    image.alt = link.querySelector("img")?.alt || "";
    caption.textContent = parts.links.length > 1 ? `${parts.index + 1} / ${parts.links.length}` : "";
  };
  parts.show = show;
  close.addEventListener("click", () => dialog.close());
  previous.addEventListener("click", () => show(parts.index - 1));
  next.addEventListener("click", () => show(parts.index + 1));
  dialog.addEventListener("keydown", (event) => {
    if (parts.links.length < 2) return;
    if (event.key === "ArrowLeft") show(parts.index - 1);
    else if (event.key === "ArrowRight") show(parts.index + 1);
    else return;
    event.preventDefault();
  });
  // A tap on the dimmed page around the picture closes it, as Escape does.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
  dialog.addEventListener("close", () => {
    image.removeAttribute("src");
    parts.links[parts.index]?.focus();
  });
  return parts;
}

document.addEventListener("click", (event) => {
  const link = event.target.closest?.("[data-lightbox] a[href]");
  if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  if (typeof HTMLDialogElement !== "function") return;
  event.preventDefault();
  const gallery = link.closest("[data-lightbox]");
  if (!lightbox) lightbox = buildLightbox();
  lightbox.links = [...gallery.querySelectorAll("a[href]")];
  lightbox.dialog.setAttribute("aria-label", gallery.dataset.lightbox);
  lightbox.close.setAttribute("aria-label", gallery.dataset.close);
  lightbox.previous.setAttribute("aria-label", gallery.dataset.previous);
  lightbox.next.setAttribute("aria-label", gallery.dataset.next);
  lightbox.previous.hidden = lightbox.next.hidden = lightbox.links.length < 2;
  lightbox.show(lightbox.links.indexOf(link));
  lightbox.dialog.showModal();
  lightbox.close.focus();
});

// == Sharing ==
// Share controls (templates/_macros/share.html). "Copy link" copies the page's address and says
// so in the status line, which screen readers announce. Without JavaScript there is no button,
// only the read-only field with the address to select; it comes back when copying fails.
function copyFromField(field, box) {
  // No Clipboard API (a page over plain HTTP, an older in-app browser): select and copy.
  const wasHidden = box.hidden;
  box.hidden = false;
  field.select();
  let copied = false;
  try {
    copied = document.execCommand("copy");
  } catch (error) {
    copied = false;
  }
  box.hidden = wasHidden && copied;
  return copied;
}

async function copyAddress(field, box) {
  try {
    await navigator.clipboard.writeText(field.value);
    return true;
  } catch (error) {
    return copyFromField(field, box);
  }
}

for (const share of document.querySelectorAll("[data-share]")) {
  const button = share.querySelector("[data-share-copy]");
  const field = share.querySelector("[data-share-url]");
  const box = share.querySelector("[data-share-field]");
  const status = share.querySelector("[data-share-status]");
  button.hidden = false;
  box.hidden = true;
  button.addEventListener("click", async () => {
    status.textContent = "";
    const copied = await copyAddress(field, box);
    if (!copied) {
      box.hidden = false;
      field.focus();
      field.select();
    }
    // Emptied first, so a second copy is announced again.
    requestAnimationFrame(() => {
      status.textContent = copied ? button.dataset.copied : button.dataset.copyFailed;
    });
  });
}

// The QR code is a disclosure drawn over the page: a click elsewhere closes it, and Escape does
// too, giving focus back to its button.
document.addEventListener("click", (event) => {
  for (const qr of document.querySelectorAll("details.share-qr[open]")) {
    if (!qr.contains(event.target)) qr.removeAttribute("open");
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const qr of document.querySelectorAll("details.share-qr[open]")) {
    qr.removeAttribute("open");
    qr.querySelector("summary")?.focus();
  }
});

// == Form errors ==
// A refused form's summary (templates/_macros/forms.html, form_errors) takes the focus, so the
// keyboard starts there and a screen reader reads it; without this script its role=alert is still
// read out and it is still first in the form. Its links move the focus to the field and scroll so
// that the field's label shows too: a plain jump would put the field at the top with its label cut off.
for (const summary of document.querySelectorAll("[data-error-summary]")) {
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const field = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) return;
    event.preventDefault();
    for (let box = field.closest("details"); box; box = box.parentElement.closest("details")) box.open = true;
    // A Markdown field showing its preview goes back to its text.
    const panel = field.closest("[role=tabpanel][hidden]");
    if (panel) document.getElementById(panel.getAttribute("aria-labelledby"))?.click();
    const label = field.id && document.querySelector(`label[for="${CSS.escape(field.id)}"]`);
    (label || field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
}
{
  const first = document.querySelector("[data-error-summary]");
  if (first) {
    for (let box = first.closest("details"); box; box = box.parentElement.closest("details")) box.open = true;
    first.focus();
  }
}
