"""trialscreen-myasthenia: an example third-party trialscreen plugin for generalised myasthenia gravis.

It lives outside the trialscreen package on purpose: it is installed with ``pip install`` and found through the
``trialscreen.plugins`` entry point, exactly as any team's plugin would be. See README.md and
docs/plugins.md in the trialscreen repository for the step-by-step guide that builds it.
"""

__version__ = "0.1.0"
