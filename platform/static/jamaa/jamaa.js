/* Every page: bars whose width the server computed carry it in data-width (a percentage), set here because the
   Content-Security-Policy forbids style attributes in the markup. */
document.querySelectorAll("[data-width]").forEach((bar) => {
  const percent = Math.max(0, Math.min(100, Number(bar.dataset.width) || 0));
  bar.style.width = `${percent}%`;
});
