"""Search: the query language (`query`), how counts are sampled (`sampling`), how a page is
read (`plans`) and the search rows it reads (`rows`). The FilterSet is `jobs.filters`."""
