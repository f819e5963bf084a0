//! Images of rendered releases. The logic lives in [`kots_core::image`] because it only needs
//! [`kots_core::manifest::Object`]s and is shared with kots-registry (airgap pushes) and the
//! template engine (`LocalImageName`); this module re-exports what a renderer uses.
//!
//! ```
//! use kots_render::images::{discover, kustomization_images, DiscoverOptions, ImageRewriter, Registry};
//! use kots_core::image::DiscoveryMode;
//! use kots_core::manifest::parse_manifests;
//!
//! let mut objects = parse_manifests("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  \
//!     containers: [{name: a, image: 'nginx:1.25'}]\n").unwrap();
//! let registry = Registry::parse("registry.local/apps");
//! let found = discover(&objects, &DiscoverOptions::default()).unwrap();
//! let list = kustomization_images(registry.rewrite_images(&found.kots_image_list()).unwrap());
//! ImageRewriter::new(list).rewrite_objects(&mut objects, DiscoveryMode::Kots);
//! assert_eq!(objects[0].as_map()["spec"]["containers"][0]["image"], "registry.local/apps/nginx:1.25");
//! ```

pub use kots_core::image::{
    discover, kustomization_images, local_image_name, pull_secrets, DiscoverOptions, Discovery,
    ImageRewriter, LocalImageContext, ProxyInfo, PullSecretOptions, Registry,
};
