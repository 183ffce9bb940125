// nhsuk-frontend's built CSS keeps IE hacks (`@media screen\0`) that Vite's CSS minifier (lightningcss)
// rejects, so the stylesheet is taken as raw text (no CSS processing) and added in a <style> element.
// Its icons (/assets/images/...) are copied into client/public.
import nhsukCss from 'nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css?raw';

export function addNhsukStyles(): void {
  const style = document.createElement('style');
  style.dataset.source = 'nhsuk-frontend';
  style.textContent = nhsukCss;
  document.head.prepend(style);
}
