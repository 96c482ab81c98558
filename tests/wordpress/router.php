<?php
/*
 * Router of `php -S 127.0.0.1:PORT -t DOCROOT router.php` for WordPress: files of the docroot
 * as they are (scripts run, assets served), every other path to index.php, as Apache's
 * mod_rewrite rules of WordPress would. Each request is logged as one JSON line (host, method,
 * URI, status) to $INSPECTOR_WP_ACCESS_LOG: the test reads which hosts were asked for.
 */

$root = rtrim($_SERVER['DOCUMENT_ROOT'], '/');
$uri = $_SERVER['REQUEST_URI'];
$path = rawurldecode(parse_url($uri, PHP_URL_PATH) ?? '/');

$log = getenv('INSPECTOR_WP_ACCESS_LOG');
if ($log) {
    $started = microtime(true);
    register_shutdown_function(function () use ($log, $uri, $started) {
        $line = json_encode([
            'time' => gmdate('Y-m-d\TH:i:s\Z'),
            'host' => $_SERVER['HTTP_HOST'] ?? null,
            'method' => $_SERVER['REQUEST_METHOD'] ?? null,
            'uri' => $uri,
            'status' => http_response_code(),
            'ms' => (int) round((microtime(true) - $started) * 1000),
            'agent' => $_SERVER['HTTP_USER_AGENT'] ?? null,
        ], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
        file_put_contents($log, $line . "\n", FILE_APPEND | LOCK_EX);
    });
}

$file = $root . $path;
if ($path !== '/' && strpos($path, '..') === false) {
    if (is_file($file)) {
        return false;                       // a script or an asset of the docroot
    }
    if (is_dir($file) && is_file(rtrim($file, '/') . '/index.php')) {
        return false;                       // /wp-admin/ and the like
    }
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['PHP_SELF'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $root . '/index.php';
chdir($root);
require $root . '/index.php';
