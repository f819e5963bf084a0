//! Channel and endpoint helpers (kots-internals §1.8): KOTS's `FindChannelIDInLicense`,
//! `FindChannelInLicense`, `GetDefaultChannelIDFromLicense`, `canInstallFromChannel` and the
//! license part of `ReplicatedAppEndpoint`.

use super::model::{Channel, License};
use super::LicenseError;

/// The endpoint used when a license names none.
pub const DEFAULT_ENDPOINT: &str = "https://replicated.app";

impl License {
    /// The first channel marked `isDefault`, else the top-level `channelID`.
    ///
    /// ```
    /// use kots_core::license::License;
    ///
    /// let l = License::from_yaml("apiVersion: kots.io/v1beta1\nkind: License\nspec:\n  channelID: legacy\n  \
    ///     channels:\n  - {channelID: a, channelSlug: stable}\n  - {channelID: b, channelSlug: beta, isDefault: true}\n").unwrap();
    /// assert_eq!(l.default_channel_id(), "b");
    /// assert_eq!(l.channel_id_for_slug("stable").unwrap(), "a");
    /// assert_eq!(l.channel_id_for_slug("").unwrap(), "legacy");
    /// assert!(l.is_channel_slug_allowed("beta") && !l.is_channel_slug_allowed("nightly"));
    /// ```
    pub fn default_channel_id(&self) -> &str {
        self.spec
            .channels
            .iter()
            .find(|c| c.is_default)
            .map_or(&self.spec.channel_id, |c| &c.channel_id)
    }

    /// The channel id for an install channel slug: the top-level `channelID` for an empty slug or a
    /// license without `channels`, else the first channel with that slug.
    pub fn channel_id_for_slug(&self, slug: &str) -> Result<&str, LicenseError> {
        if slug.is_empty() || self.spec.channels.is_empty() {
            return Ok(&self.spec.channel_id);
        }
        self.spec
            .channels
            .iter()
            .find(|c| c.channel_slug == slug)
            .map(|c| c.channel_id.as_str())
            .ok_or_else(|| LicenseError::ChannelSlugNotFound {
                slug: slug.to_string(),
            })
    }

    /// The channel with this id. A legacy license (no `channels`) has one channel built from the
    /// top-level fields, marked default.
    pub fn find_channel(&self, channel_id: &str) -> Result<Channel, LicenseError> {
        let not_found = || LicenseError::ChannelNotFound {
            id: channel_id.to_string(),
        };
        if self.spec.channels.is_empty() {
            if self.spec.channel_id != channel_id {
                return Err(not_found());
            }
            return Ok(Channel {
                channel_id: self.spec.channel_id.clone(),
                channel_name: self.spec.channel_name.clone(),
                is_default: true,
                is_semver_required: self.spec.is_semver_required,
                ..Channel::default()
            });
        }
        self.spec
            .channels
            .iter()
            .find(|c| c.channel_id == channel_id)
            .cloned()
            .ok_or_else(not_found)
    }

    /// Whether installing from this channel slug is allowed: always for a license without
    /// `channels`, else only for one of its slugs.
    pub fn is_channel_slug_allowed(&self, slug: &str) -> bool {
        self.spec.channels.is_empty() || self.spec.channels.iter().any(|c| c.channel_slug == slug)
    }

    /// [`License::is_channel_slug_allowed`] as KOTS's error `channel slug %q is not allowed by license`.
    pub fn check_channel_slug_allowed(&self, slug: &str) -> Result<(), LicenseError> {
        if self.is_channel_slug_allowed(slug) {
            Ok(())
        } else {
            Err(LicenseError::ChannelNotAllowed {
                slug: slug.to_string(),
            })
        }
    }

    /// The license's replicated.app endpoint, [`DEFAULT_ENDPOINT`] when empty. (KOTS lets the
    /// `REPLICATED_APP_ENDPOINT` environment variable override it; that is the caller's choice.)
    pub fn endpoint(&self) -> &str {
        if self.spec.endpoint.is_empty() {
            DEFAULT_ENDPOINT
        } else {
            &self.spec.endpoint
        }
    }
}
