/* The console's legacy import page: polls the run's progress every second while it is queued or running. */
(function () {
  const box = document.getElementById("legacy-run");
  const set = (id, text) => { document.getElementById(id).textContent = text; };
  async function poll() {
    const response = await fetch(box.dataset.progressUrl, {headers: {"Accept": "application/json"}});
    if (!response.ok) { return; }
    const run = await response.json();
    set("run-status", run.status);
    set("run-phase", run.total ? `${run.phase} ${run.done.toLocaleString()} / ${run.total.toLocaleString()}` : run.phase);
    document.getElementById("run-bar").style.width = `${run.total ? Math.min(100, 100 * run.done / run.total) : 0}%`;
    for (const key of ["read", "imported", "rejected", "duplicates"]) {
      if (run.totals[key] !== undefined) { set(`total-${key}`, run.totals[key].toLocaleString()); }
    }
    set("run-error", run.error);
    document.getElementById("run-stalled").hidden = run.status !== "stalled";
    const list = document.getElementById("run-reports");
    list.replaceChildren(...Object.entries(run.reports).map(([name, url]) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = url; link.textContent = name; link.dir = "ltr";
      item.append(link);
      return item;
    }));
    if (run.status === "queued" || run.status === "running") { setTimeout(poll, 1000); }
  }
  poll();
})();
