// The CRM's own notification layer goes into the top layer as the page loads, over the same
// strip as the z-index overlay: only an element shown in the top layer after it (the toolbar,
// as a manual popover) is drawn and hit above it.
document.getElementById('toast').showPopover();
