// The merge picker (templates/review/merge.html). Without this file the page works as it is; with
// it, the dialog that asks before merging names the solution picked, so staff see which one they
// are about to merge a duplicate into.
(() => {
  const words = document.querySelector("[data-merge-question]");
  if (!words) return;
  const form = words.closest("form");
  const general = form.dataset.confirm;
  const typed = form.querySelector("input[name=target]");
  const name = () => {
    const picked = form.querySelector("input[name=choice]:checked");
    // A typed number wins over a picked row when both are given (the server refuses them if they
    // differ), so a row names the merge only while the number field is empty.
    if (!picked || typed.value.trim()) return general;
    return words.dataset.mergeQuestion.replace("%(title)s", () => picked.dataset.title);
  };
  const update = () => {
    form.dataset.confirm = name();
  };
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
