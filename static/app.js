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
