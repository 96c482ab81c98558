<?php
/*
 * Install WordPress non-interactively and seed the commune portal, then write the ground truth
 * from WordPress itself. Run by tests/wordpress/site.py with the PHP CLI:
 *
 *   php setup.php install DOCROOT PLAN.json           (database, wp_install in Vietnamese)
 *   php setup.php content DOCROOT PLAN.json TRUTH.json (options, categories, posts, menu, truth)
 *
 * Two processes: the first runs with WP_INSTALLING (no theme loaded), the second loads WordPress
 * as a request would (theme, menus, permalinks).
 */

error_reporting(E_ALL & ~E_DEPRECATED & ~E_USER_DEPRECATED);

function fail($message) {
    fwrite(STDERR, "setup.php: $message\n");
    exit(1);
}

if ($argc < 4) {
    fail('usage: php setup.php install|content DOCROOT PLAN.json [TRUTH.json]');
}
[$self, $mode, $docroot, $plan_file] = $argv;
$plan = json_decode(file_get_contents($plan_file), true, 512, JSON_THROW_ON_ERROR);

// A CLI request to the site's own host (wp_guess_url, is_ssl, canonical URLs).
$home = parse_url($plan['home']);
$_SERVER['HTTP_HOST'] = $home['host'] . ':' . $home['port'];
$_SERVER['SERVER_NAME'] = $home['host'];
$_SERVER['SERVER_PORT'] = (string) $home['port'];
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';

if ($mode === 'install') {
    $db = new mysqli('localhost', 'root', '', '', 0, $plan['socket']);
    $db->query('CREATE DATABASE IF NOT EXISTS `wordpress` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci')
        or fail('CREATE DATABASE: ' . $db->error);
    $db->close();

    define('WP_INSTALLING', true);
    require $docroot . '/wp-load.php';
    require_once ABSPATH . 'wp-admin/includes/upgrade.php';
    // no mail: the new-site notice would go to sendmail
    add_filter('pre_wp_mail', '__return_true');
    // As wp-admin/install.php does for a chosen language: the defaults (the "Uncategorized"
    // category, the widgets' headings, the date format) are written in Vietnamese.
    if (!load_default_textdomain('vi')) {
        fail('the Vietnamese translation (wp-content/languages/vi.mo, Debian package wordpress-l10n) did not load');
    }
    $GLOBALS['wp_locale'] = new WP_Locale();
    // wp_install tries pretty permalinks by requesting a post of the site over HTTP
    // (wp_install_maybe_enable_pretty_permalinks); it bails when a structure is already set.
    $structure = fn() => $plan['permalink_structure'];
    add_filter('pre_option_permalink_structure', $structure);
    $site = $plan['site'];
    $result = wp_install($site['blogname'], $site['admin_user'], $site['admin_email'], 1, '',
                         wp_slash($site['admin_password']), 'vi');
    if (empty($result['user_id'])) {
        fail('wp_install gave no user: ' . json_encode($result));
    }
    remove_filter('pre_option_permalink_structure', $structure);
    // Set before the content process starts: WordPress registers the category taxonomy, and
    // its rewrite rules, with the category base of the options it finds when it loads.
    update_option('timezone_string', $plan['timezone']);
    update_option('gmt_offset', '');
    update_option('permalink_structure', $plan['permalink_structure']);
    update_option('category_base', $plan['category_base']);
    echo json_encode(['installed' => true, 'url' => $result['url']]), "\n";
    exit(0);
}

if ($mode !== 'content' || $argc < 5) {
    fail("unknown mode '$mode'");
}
$truth_file = $argv[4];

require $docroot . '/wp-load.php';
add_filter('pre_wp_mail', '__return_true');
if (get_locale() !== 'vi') {
    fail('the site language is ' . get_locale() . ', not vi');
}
if (get_stylesheet() !== 'twentytwentyone') {
    fail('the theme is ' . get_stylesheet() . ', not twentytwentyone');
}

// -- options --------------------------------------------------------------------------------
update_option('blogdescription', $plan['site']['blogdescription']);
update_option('posts_per_page', $plan['posts_per_page']);
update_option('show_on_front', 'posts');
update_option('default_comment_status', 'closed');
wp_update_user(['ID' => 1, 'display_name' => $plan['site']['display_name'],
                'nickname' => $plan['site']['display_name']]);

// The sample content of a fresh install: "Hello world" (with its comment), the sample page,
// the privacy policy draft. Their dates would be the day of the test run.
foreach ([1, 2, 3] as $id) {
    if (get_post($id)) {
        wp_delete_post($id, true);
    }
}

if (get_option('permalink_structure') !== $plan['permalink_structure']
    || get_option('category_base') !== $plan['category_base']) {
    fail('the permalink options set by the install step are not there');
}

// -- categories -----------------------------------------------------------------------------
$cat_ids = [];
foreach ($plan['categories'] as $cat) {
    $term = wp_insert_term($cat['name'], 'category',
                           ['slug' => $cat['slug'], 'description' => $cat['description']]);
    if (is_wp_error($term)) {
        fail("category {$cat['slug']}: " . $term->get_error_message());
    }
    $cat_ids[$cat['slug']] = $term['term_id'];
}

// -- posts ----------------------------------------------------------------------------------
foreach ($plan['posts'] as $post) {
    $id = wp_insert_post([
        'post_title' => wp_slash($post['title']),
        'post_content' => wp_slash($post['content']),
        'post_status' => 'publish',
        'post_type' => 'post',
        'post_author' => 1,
        'post_date' => $post['date'],
        'post_category' => array_map(fn($slug) => $cat_ids[$slug], $post['categories']),
        'comment_status' => 'closed',
    ], true);
    if (is_wp_error($id)) {
        fail("post '{$post['title']}': " . $id->get_error_message());
    }
    // A date after the real clock makes WordPress schedule the post ("future") instead of
    // publishing it: the plan's dates are what the portal shows, whatever today is.
    if (get_post_status($id) === 'future') {
        global $wpdb;
        wp_clear_scheduled_hook('publish_future_post', [$id]);
        $wpdb->update($wpdb->posts, ['post_status' => 'publish'], ['ID' => $id]);
        clean_post_cache($id);
    }
    if ($post['sticky']) {
        stick_post($id);
    }
}
wp_update_term_count_now(array_values($cat_ids), 'category');

// -- pages ----------------------------------------------------------------------------------
$page_ids = [];
foreach ($plan['pages'] as $page) {
    $id = wp_insert_post([
        'post_title' => wp_slash($page['title']), 'post_name' => $page['slug'],
        'post_content' => wp_slash($page['content']), 'post_status' => 'publish',
        'post_type' => 'page', 'post_author' => 1, 'post_date' => $page['date'],
        'comment_status' => 'closed'], true);
    if (is_wp_error($id)) {
        fail("page {$page['slug']}: " . $id->get_error_message());
    }
    $page_ids[$page['slug']] = $id;
}

// -- the primary menu -----------------------------------------------------------------------
$menu_id = wp_create_nav_menu('Menu chính');
if (is_wp_error($menu_id)) {
    fail('menu: ' . $menu_id->get_error_message());
}
$items = [];
$position = 0;
foreach ($plan['menu'] as $entry) {
    $args = ['menu-item-status' => 'publish', 'menu-item-position' => ++$position,
             'menu-item-parent-id' => $entry['parent'] ? $items[$entry['parent']] : 0];
    if ($entry['kind'] === 'home') {
        $args += ['menu-item-type' => 'custom', 'menu-item-url' => home_url('/'),
                  'menu-item-title' => $entry['label']];
    } elseif ($entry['kind'] === 'custom') {
        $args += ['menu-item-type' => 'custom', 'menu-item-url' => $entry['target'],
                  'menu-item-title' => $entry['label']];
    } elseif ($entry['kind'] === 'page') {
        $args += ['menu-item-type' => 'post_type', 'menu-item-object' => 'page',
                  'menu-item-object-id' => $page_ids[$entry['target']],
                  'menu-item-title' => $entry['label']];
    } else {
        $args += ['menu-item-type' => 'taxonomy', 'menu-item-object' => 'category',
                  'menu-item-object-id' => $cat_ids[$entry['target']]];
    }
    $item = wp_update_nav_menu_item($menu_id, 0, $args);
    if (is_wp_error($item)) {
        fail('menu item: ' . $item->get_error_message());
    }
    $items[$entry['label'] ?? $entry['target']] = $item;
}
set_theme_mod('nav_menu_locations', ['primary' => $menu_id]);

flush_rewrite_rules(false);   // the rules in the database; no .htaccess (php -S has a router)

// -- the ground truth, as WordPress shows it ------------------------------------------------
function shown($text) {
    return html_entity_decode($text, ENT_QUOTES | ENT_HTML5, 'UTF-8');
}

function post_row($post, $window) {
    $day = get_the_date('Y-m-d', $post);
    return [
        'id' => $post->ID,
        'url' => get_permalink($post),
        'title' => shown(get_the_title($post)),
        'title_raw' => $post->post_title,
        'published' => get_the_date('c', $post),
        'published_gmt' => get_post_time('c', true, $post),
        'in_window' => $day >= $window['start'] && $day <= $window['end'],
        'categories' => array_map(fn($t) => $t->slug, get_the_category($post->ID)),
        'sticky' => is_sticky($post->ID),
    ];
}

$window = $plan['window'];
$per_page = (int) get_option('posts_per_page');
$truth = [
    'schema' => 'inspector-wordpress-truth/1',
    'site' => [
        'home' => home_url('/'), 'name' => get_bloginfo('name'),
        'description' => get_bloginfo('description'), 'language' => get_locale(),
        'wordpress' => $GLOBALS['wp_version'], 'theme' => get_stylesheet(),
        'timezone' => wp_timezone_string(), 'date_format' => get_option('date_format'),
        'permalink_structure' => get_option('permalink_structure'),
        'category_base' => get_option('category_base'), 'posts_per_page' => $per_page,
    ],
    'as_of' => $plan['as_of'], 'window' => $window,
    'empty_category' => $plan['empty_category'],
    'categories' => [],
];
foreach ($plan['categories'] as $cat) {
    $term = get_term($cat_ids[$cat['slug']], 'category');
    $query = new WP_Query(['cat' => $term->term_id, 'posts_per_page' => -1,
                           'orderby' => 'date', 'order' => 'DESC',
                           'ignore_sticky_posts' => true, 'post_status' => 'publish']);
    $rows = array_map(fn($p) => post_row($p, $window), $query->posts);
    $url = get_category_link($term);
    $pages = [$url];
    for ($n = 2; $n <= (int) ceil(count($rows) / $per_page); $n++) {
        $pages[] = trailingslashit($url) . "page/$n/";
    }
    $truth['categories'][] = [
        'slug' => $term->slug, 'name' => shown($term->name), 'term_id' => $term->term_id,
        'topic' => $cat['topic'], 'topics' => $cat['topics'], 'menu_parent' => $cat['menu_parent'],
        'empty' => count($rows) === 0, 'url' => $url, 'listing_pages' => $pages,
        'posts' => $rows,
    ];
}
// The home page (latest posts, the sticky one first on page 1) and the footer's "Bài viết mới"
// widget (the five newest posts), which every page shows and no listing should count.
$all = new WP_Query(['posts_per_page' => -1, 'orderby' => 'date', 'order' => 'DESC',
                     'ignore_sticky_posts' => true, 'post_status' => 'publish']);
$truth['posts'] = array_map(fn($p) => post_row($p, $window), $all->posts);
$truth['sticky'] = array_map('intval', get_option('sticky_posts'));
$recent = wp_get_recent_posts(['numberposts' => 5, 'post_status' => 'publish'], OBJECT);
$truth['recent_posts_widget'] = ['title' => shown(__('Recent Posts')),
                                 'posts' => array_map(fn($p) => get_permalink($p), $recent)];
$truth['pages'] = array_map(fn($id) => ['url' => get_permalink($id),
                                        'title' => shown(get_the_title($id))],
                            array_values($page_ids));
$truth['menu'] = array_map(fn($item) => [
    'title' => shown($item->title), 'url' => $item->url,
    'parent' => $item->menu_item_parent ? (int) $item->menu_item_parent : null,
    'id' => $item->ID], wp_get_nav_menu_items($menu_id));

file_put_contents($truth_file, json_encode($truth, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES
                                                   | JSON_UNESCAPED_UNICODE) . "\n");
echo json_encode(['posts' => count($truth['posts']), 'categories' => count($cat_ids)]), "\n";
