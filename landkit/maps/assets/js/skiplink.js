// ---- keyboard: a skip link to the list; the map's controls after the list in the tab order ---
/* The sidebar is moved before the map in document order, so Tab goes search → filters → list and
 * only then into the map and its controls; a "跳到地块列表" link, first on the page and shown when
 * focused, jumps straight to the first card (opening the drawer on a phone). */
App.prototype.buildSkipLink = function () {
  var self = this, side = document.getElementById('lk-side'), mapEl = this.map.getContainer();
  if (side && mapEl.parentNode === side.parentNode) mapEl.parentNode.insertBefore(side, mapEl);
  var link = el('a', 'lk-skip', this.S.skip_to_list);
  link.href = '#';
  link.addEventListener('click', function (ev) { ev.preventDefault(); self.focusList(); });
  document.body.insertBefore(link, document.body.firstChild);
};

App.prototype.focusList = function () {
  if (this.isPhone() && !document.body.classList.contains('lk-drawer-open')) {
    document.body.classList.add('lk-drawer-open');
    this._syncDrawer();
  }
  this.renderCards(true);
  var card = this.listEl.querySelector('.lk-card');
  if (card) card.focus();
  else document.getElementById('lk-q').focus();
};
