package io.surety.broker.api;

import io.surety.broker.coordinator.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResultCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.DeleteGroupsRequest;

/** DeleteGroups: removes empty groups and their offsets; groups with members get NON_EMPTY_GROUP. */
final class DeleteGroupsHandler implements ApiHandler {

    private final GroupCoordinator groups;

    DeleteGroupsHandler(GroupCoordinator groups) {
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_GROUPS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        DeleteGroupsRequest body = (DeleteGroupsRequest) request.body();
        return groups.deleteGroups(body.data().groupsNames()).thenApply(results -> {
            DeletableGroupResultCollection collection = new DeletableGroupResultCollection();
            results.forEach(collection::add);
            return new ApiResponse.Send(new DeleteGroupsResponseData().setResults(collection));
        });
    }
}
