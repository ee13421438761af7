// Progress of long work that runs in the worker (an extract loading, a report pack being
// made). The page shows the job's progress as it was when the page was made; this asks
// the job's progress address every few seconds and updates the bar and its words (a live
// region: screen readers hear each change), then shows the outcome when the job ends.
// Work still waiting to be recorded (asked for while a load held the embedded database)
// answers with ``follow_url`` once it is queued: the page then goes to the work's own page.
// No inline script: served as a static file, so a strict Content-Security-Policy holds.
"use strict";

const EVERY_MS = 2000;
const SLOWEST_MS = 30000;

function field(box, name) {
  return box.querySelector(`[data-task-field="${name}"]`);
}

function show(box, task) {
  const bar = box.querySelector("progress");
  if (task.total) {
    bar.max = task.total;
    bar.value = Math.min(task.done, task.total);
    bar.textContent = `${task.percent}%`;
  } else if (task.finished) {
    bar.max = 1;
    bar.value = 1;
  } else {
    bar.removeAttribute("value"); // no total yet: an indeterminate bar
  }
  field(box, "state_label").textContent = task.state_label;
  const words = field(box, "text");
  if (words.textContent !== task.text) {
    words.textContent = task.text; // the live region: only changes are announced
  }
  if (task.finished) {
    box.dataset.taskFinished = "true";
    field(box, "reload").textContent = "Show the result on this page";
    if (task.result_url) {
      field(box, "result_link").href = task.result_url;
      field(box, "result").hidden = false;
    }
    if (task.state === "failed") {
      words.setAttribute("role", "alert");
    }
  }
}

function follow(box) {
  let wait = EVERY_MS;
  const ask = async () => {
    try {
      const response = await fetch(box.dataset.taskProgress, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(`status ${response.status}`);
      const task = await response.json();
      if (task.follow_url) {
        window.location.assign(task.follow_url); // it was waiting to start: now it has its own page
        return;
      }
      show(box, task);
      if (task.finished) return;
      wait = EVERY_MS;
    } catch (error) {
      wait = Math.min(wait * 2, SLOWEST_MS); // the server is busy or away: ask less often
    }
    window.setTimeout(ask, wait);
  };
  window.setTimeout(ask, EVERY_MS);
}

document.querySelectorAll("[data-task-progress]").forEach((box) => {
  if (box.dataset.taskFinished !== "true") follow(box);
});
