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

// Votes update in place; without JavaScript the same form posts and the page reloads.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!form.matches("form[data-vote]")) return;
  event.preventDefault();
  const button = form.querySelector("button");
  button.disabled = true;
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
    button.disabled = false;
    form.submit(); // the request never reached the forum: post the plain form instead
    return;
  }
  try {
    // Every answer to this fetch is JSON, errors included; the vote is never sent twice.
    const data = await response.json();
    if (!response.ok) {
      showMessage(data.error?.message || button.dataset.failed || "", "error").dataset.voteMessage = "";
      return;
    }
    // A refusal shown earlier ("no votes left") is no longer true once a vote goes through.
    document.querySelectorAll(".flashes [data-vote-message]").forEach((old) => old.remove());
    form.querySelector(".vote-count").textContent = data.votes;
    form.querySelector("input[name=action]").value = data.voted ? "remove" : "add";
    button.classList.toggle("voted", data.voted);
    button.setAttribute("aria-pressed", String(data.voted));
    form.querySelector(".vote-label").textContent = data.voted ? button.dataset.labelRemove : button.dataset.labelAdd;
    const budget = document.querySelector("[data-budget-used]");
    if (budget && data.budget) budget.textContent = data.budget_used;
  } catch (error) {
    showMessage(button.dataset.failed || "", "error");
  } finally {
    button.disabled = false;
  }
});

function showMessage(text, category) {
  let box = document.querySelector(".flashes");
  if (!box) {
    box = document.createElement("div");
    box.className = "flashes";
    document.querySelector("main").prepend(box);
  }
  const message = document.createElement("p");
  message.className = `flash flash-${category}`;
  message.setAttribute("role", category === "error" ? "alert" : "status");
  message.textContent = text;
  box.replaceChildren(message);
  return message;
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

// == Writing: preview, lightbox ==

// == Sharing ==
