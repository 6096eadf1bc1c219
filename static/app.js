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
  try {
    // Not form.action: the form has an input named "action", which shadows the property.
    const response = await fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    const data = await response.json();
    if (!response.ok) {
      showMessage(data.error?.message || "", "error");
      return;
    }
    form.querySelector(".vote-count").textContent = data.votes;
    form.querySelector("input[name=action]").value = data.voted ? "remove" : "add";
    button.classList.toggle("voted", data.voted);
    button.setAttribute("aria-pressed", String(data.voted));
    form.querySelector(".vote-label").textContent = data.voted ? button.dataset.labelRemove : button.dataset.labelAdd;
    const budget = document.querySelector("[data-budget-used]");
    if (budget && data.budget) budget.textContent = data.budget_used;
  } catch (error) {
    form.submit(); // fall back to the plain form post
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
}
