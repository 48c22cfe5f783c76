/* The result card's print button: shown only where a script can open the print dialog. Without JavaScript the
   page says to use the browser's own Print menu instead. */
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
