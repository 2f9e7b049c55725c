// Shows the record query a screen pop opened this page with (as text).
document.getElementById('query').textContent = decodeURIComponent(location.search.slice(1));
